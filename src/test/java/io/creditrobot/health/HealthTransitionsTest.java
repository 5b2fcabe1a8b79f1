package io.creditrobot.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import io.creditrobot.testsupport.LogCapture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * What the watcher records of a sequence of answers, deterministically: one line per real change (a change of reason
 * inside DOWN included), none per repeated answer, a normal boot at INFO, and the gauge.
 */
class HealthTransitionsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final HealthTransitions transitions = new HealthTransitions(registry);

    @Test
    void eachRealChangeIsOneLineAndRepeatsAreNone() {
        try (LogCapture logs = LogCapture.start()) {
            for (HealthCheckResponse answer : List.of(down("pending"), down("pending"), down("unreachable"),
                    down("unreachable"), down("unreachable"), up(), up(), down("timeout"), down("timeout"), up())) {
                transitions.observe(answer);
            }
            List<String> lines = logs.linesContaining("Health check 'database'");
            String prefix = "io.creditrobot.health.HealthTransitions ";
            assertEquals(5, lines.size(), lines.toString());
            assertEquals(prefix + "INFO Health check 'database' START -> DOWN (reason: pending)", lines.get(0));
            assertEquals(prefix + "WARN Health check 'database' DOWN(pending) -> DOWN(unreachable) (reason: unreachable)",
                    lines.get(1));
            assertTrue(lines.get(2).startsWith(prefix + "INFO Health check 'database' DOWN -> UP after an outage of "),
                    lines.get(2));
            assertEquals(prefix + "WARN Health check 'database' UP -> DOWN (reason: timeout)", lines.get(3));
            assertTrue(lines.get(4).startsWith(prefix + "INFO Health check 'database' DOWN -> UP after an outage of "),
                    lines.get(4));
        }
        assertEquals(1.0, registry.get("creditrobot.health.check.up").tag("check", "database").gauge().value());
    }

    @Test
    void aCheckThatStartsUpLogsNothingAndItsGaugeReadsOne() {
        try (LogCapture logs = LogCapture.start()) {
            transitions.observe(up());
            assertEquals(List.of(), logs.linesContaining("Health check 'database'"));
        }
        assertEquals(1.0, registry.get("creditrobot.health.check.up").tag("check", "database").gauge().value());
        transitions.observe(down("read-only"));
        assertEquals(0.0, registry.get("creditrobot.health.check.up").tag("check", "database").gauge().value());
    }

    private static HealthCheckResponse up() {
        return HealthCheckResponse.up("database");
    }

    private static HealthCheckResponse down(String reason) {
        return HealthCheckResponse.named("database").down().withData("reason", reason).build();
    }
}
