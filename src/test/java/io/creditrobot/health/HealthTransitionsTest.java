package io.creditrobot.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import io.creditrobot.testsupport.LogCapture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * What the watcher records of a sequence of answers, deterministically: one line per real change (a change of reason
 * inside DOWN included), none per repeated answer, a normal boot at INFO, and the gauge.
 */
class HealthTransitionsTest {

    /** The defaults (HealthConfig). */
    private static final int FLAPPING_TRANSITIONS = 10;
    private static final Duration FLAPPING_WINDOW = Duration.ofSeconds(60);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final HealthJournal journal = new HealthJournal(100);
    private final AtomicLong nanos = new AtomicLong();
    private final Instant epoch = Instant.parse("2026-12-02T08:00:00Z");
    private final HealthTransitions transitions = new HealthTransitions(registry, journal, FLAPPING_TRANSITIONS,
            FLAPPING_WINDOW, nanos::get, () -> epoch.plusNanos(nanos.get()));

    @Test
    void eachRealChangeIsOneLineAndRepeatsAreNone() {
        try (LogCapture logs = LogCapture.start()) {
            for (HealthCheckResponse answer : List.of(down("pending"), down("pending"), down("unreachable"),
                    down("unreachable"), down("unreachable"), up(), up(), down("timeout"), down("timeout"), up())) {
                transitions.observe(Observation.of(answer));
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
    void theJournalHoldsEachChangeWithHowLongTheStateItLeftLastedAndTheCountersAgree() {
        observeAt(0, down("pending"));
        observeAt(500, up());
        observeAt(700, up());
        observeAt(10_500, down("unreachable"));
        observeAt(12_000, down("unreachable"));
        observeAt(20_500, up());
        List<HealthJournal.Entry> entries = journal.read("database", null).entries();
        assertEquals(List.of("START>DOWN(pending)", "DOWN>UP", "UP>DOWN(unreachable)", "DOWN>UP"),
                entries.stream().map(e -> e.from() + ">" + e.to() + (e.reason() == null ? "" : "(" + e.reason() + ")"))
                        .toList());
        assertEquals(Arrays.asList(null, 500L, 10_000L, 10_000L), entries.stream().map(HealthJournal.Entry::previousStateMs)
                .toList());
        assertEquals(epoch.plusMillis(10_500), entries.get(2).at());
        assertEquals("unreachable", entries.get(2).evidence().get("reason"));
        assertEquals(1.0, registry.get("creditrobot.health.transitions").tags("check", "database", "from", "UP", "to",
                "DOWN", "reason", "unreachable").counter().count());
        assertEquals(10.5, registry.get("creditrobot.health.state.seconds").tags("check", "database", "state", "DOWN")
                .counter().count(), 0.001);
        assertEquals(List.of(), journal.read("database", epoch.plusSeconds(21)).entries());
        assertEquals(2, journal.read(null, epoch.plusMillis(10_500)).entries().size());
    }

    @Test
    void aCheckFlappingForTwentySecondsIsReportedOnceAndThenOnceSteady() {
        try (LogCapture logs = LogCapture.start()) {
            long t = 0;
            observeAt(t, up());
            // Stopped and started every second for 20 s: 40 transitions.
            for (int i = 0; i < 20; i++) {
                observeAt(t += 500, down("unreachable"));
                observeAt(t += 500, up());
            }
            assertEquals(1.0, registry.get("creditrobot.health.check.flapping").tag("check", "database").gauge()
                    .value());
            // Steady UP for a whole window (the watcher observes every second).
            for (int i = 0; i <= FLAPPING_WINDOW.toSeconds(); i++) {
                observeAt(t += 1000, up());
            }
            List<String> lines = logs.linesContaining("Health check 'database'");
            assertEquals(FLAPPING_TRANSITIONS + 2, lines.size(), String.join("\n", lines));
            assertEquals(1, logs.linesContaining("is flapping: 11 transitions within 60 s").size(), lines.toString());
            assertTrue(lines.get(lines.size() - 1).contains("is steady again: no transition for 60 s (30 transitions "
                    + "were not logged); it is UP"), lines.get(lines.size() - 1));
        }
        assertEquals(0.0, registry.get("creditrobot.health.check.flapping").tag("check", "database").gauge().value());
        assertEquals(41, journal.read("database", null).entries().size(), "every transition journaled");
        assertEquals(30, journal.read("database", null).entries().stream().filter(HealthJournal.Entry::flapping)
                .count());
    }

    @Test
    void theJournalKeepsTheNewestEntriesAndSaysHowManyItDropped() {
        HealthJournal small = new HealthJournal(3);
        for (int i = 0; i < 5; i++) {
            small.record("database", "UP", "DOWN", "timeout", epoch.plusSeconds(i), 1L, Map.of(), false);
        }
        HealthJournal.Page page = small.read(null, null);
        assertEquals(List.of(3L, 4L, 5L), page.entries().stream().map(HealthJournal.Entry::seq).toList());
        assertEquals(5, page.recorded());
        assertEquals(2, page.dropped());
    }

    @Test
    void aCheckThatStartsUpLogsNothingAndItsGaugeReadsOne() {
        try (LogCapture logs = LogCapture.start()) {
            transitions.observe(Observation.of(up()));
            assertEquals(List.of(), logs.linesContaining("Health check 'database'"));
        }
        assertEquals(1.0, registry.get("creditrobot.health.check.up").tag("check", "database").gauge().value());
        transitions.observe(Observation.of(down("read-only")));
        assertEquals(0.0, registry.get("creditrobot.health.check.up").tag("check", "database").gauge().value());
    }

    private void observeAt(long millis, HealthCheckResponse answer) {
        nanos.set(Duration.ofMillis(millis).toNanos());
        transitions.observe(Observation.of(answer));
    }

    private static HealthCheckResponse up() {
        return HealthCheckResponse.up("database");
    }

    private static HealthCheckResponse down(String reason) {
        return HealthCheckResponse.named("database").down().withData("reason", reason).build();
    }
}
