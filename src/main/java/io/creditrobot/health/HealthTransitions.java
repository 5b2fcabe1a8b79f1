package io.creditrobot.health;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Remembers each check's last state (status and, when DOWN, reason), so that a change is logged exactly once and
 * nothing is logged per probe: {@code UP -> DOWN} with the reason, {@code DOWN -> UP} with the outage's duration, and a
 * change of reason inside DOWN ({@code DOWN(pending) -> DOWN(unreachable)}) so that the real cause is logged when it
 * replaces the first one. A normal boot's transitions ({@code START -> DOWN(pending)}, then {@code -> UP}) are INFO; a
 * check going DOWN for any other reason is WARN. Each state is also a gauge {@code creditrobot_health_check_up{check=…}}
 * (1 up, 0 down). Each line carries its facts as MDC fields ({@code check}, {@code from}, {@code to}, {@code reason},
 * {@code outageMs}), which the production JSON log shows as structured fields.
 */
@ApplicationScoped
public class HealthTransitions {

    private static final Logger LOG = Logger.getLogger(HealthTransitions.class);
    private static final String PENDING = "pending";

    private final MeterRegistry registry;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    /**
     * A check's state: {@code reason} is null when up; {@code since} is when it last went UP or DOWN
     * ({@link System#nanoTime()}), kept across a change of reason inside DOWN so that the outage is measured whole.
     */
    private record State(boolean up, String reason, long since) {
    }

    HealthTransitions(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Records the state a check reports. Called by {@link HealthWatcher}'s thread only. */
    void observe(HealthCheckResponse response) {
        String check = response.getName();
        boolean up = response.getStatus() == HealthCheckResponse.Status.UP;
        String reason = up ? null
                : response.getData().map(d -> String.valueOf(d.getOrDefault("reason", "unspecified")))
                        .orElse("unspecified");
        State current = states.get(check);
        if (current != null && current.up() == up && Objects.equals(current.reason(), reason)) {
            return;
        }
        long now = System.nanoTime();
        State next = new State(up, reason, current != null && current.up() == up ? current.since() : now);
        boolean first = current == null;
        // One writer (the watcher); the map is concurrent for the gauges, which Micrometer reads on scrapes.
        states.put(check, next);
        if (first) {
            Gauge.builder("creditrobot.health.check.up", states, s -> s.get(check).up() ? 1 : 0)
                    .description("1 when the health check is UP, 0 when DOWN").tag("check", check)
                    .register(registry);
        }
        if (first && up) {
            return;
        }
        String from = first ? "START" : current.up() ? "UP" : "DOWN";
        boolean reasonChange = "DOWN".equals(from) && !up;
        String transition = reasonChange ? "DOWN(" + current.reason() + ") -> DOWN(" + reason + ")"
                : from + " -> " + (up ? "UP" : "DOWN");
        Long outageMs = up ? Duration.ofNanos(now - current.since()).toMillis() : null;
        log(check, from, transition, reason, outageMs, up || PENDING.equals(reason));
    }

    private static void log(String check, String from, String transition, String reason, Long outageMs,
            boolean info) {
        MDC.put("check", check);
        MDC.put("from", from);
        MDC.put("to", reason == null ? "UP" : "DOWN");
        if (reason != null) {
            MDC.put("reason", reason);
        }
        if (outageMs != null) {
            MDC.put("outageMs", String.valueOf(outageMs));
        }
        try {
            if (outageMs != null) {
                LOG.infof("Health check '%s' %s after an outage of %d ms", check, transition, outageMs);
            } else if (info) {
                LOG.infof("Health check '%s' %s (reason: %s)", check, transition, reason);
            } else {
                LOG.warnf("Health check '%s' %s (reason: %s)", check, transition, reason);
            }
        } finally {
            for (String key : new String[] { "check", "from", "to", "reason", "outageMs" }) {
                MDC.remove(key);
            }
        }
    }
}
