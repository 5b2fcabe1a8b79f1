package io.creditrobot.health;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Remembers each check's last state, so that a change is logged exactly once (UP→DOWN with the reason, DOWN→UP
 * with the outage's duration) and nothing is logged per probe; and publishes each state as a gauge
 * {@code creditrobot_health_check_up{check=…}} (1 up, 0 down). Each line also carries its facts as MDC fields
 * ({@code check}, {@code from}, {@code to}, {@code reason}, {@code outageMs}), which the production JSON log shows as
 * structured fields.
 */
@ApplicationScoped
public class HealthTransitions {

    private static final Logger LOG = Logger.getLogger(HealthTransitions.class);

    private final MeterRegistry registry;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    /** A check's state; {@code since} is when it last changed ({@link System#nanoTime()}). */
    private record State(boolean up, long since) {
    }

    HealthTransitions(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Records the state a check reports and returns the response unchanged. Cheap: called on every probe. */
    public HealthCheckResponse observe(HealthCheckResponse response) {
        String check = response.getName();
        boolean up = response.getStatus() == HealthCheckResponse.Status.UP;
        State current = states.get(check);
        if (current != null && current.up() == up) {
            return response;
        }
        long now = System.nanoTime();
        State next = new State(up, now);
        boolean first = current == null;
        boolean changed = first ? states.putIfAbsent(check, next) == null : states.replace(check, current, next);
        if (!changed) {
            // A concurrent probe recorded this very change first; it logs it.
            return response;
        }
        if (first) {
            Gauge.builder("creditrobot.health.check.up", states, s -> s.get(check).up() ? 1 : 0)
                    .description("1 when the health check is UP, 0 when DOWN").tag("check", check)
                    .register(registry);
        }
        String reason = response.getData().map(d -> String.valueOf(d.getOrDefault("reason", "unspecified")))
                .orElse("unspecified");
        if (!up) {
            log(check, first ? "START" : "UP", "DOWN", reason, null);
        } else if (!first) {
            log(check, "DOWN", "UP", null, Duration.ofNanos(now - current.since()).toMillis());
        }
        return response;
    }

    private static void log(String check, String from, String to, String reason, Long outageMs) {
        MDC.put("check", check);
        MDC.put("from", from);
        MDC.put("to", to);
        if (reason != null) {
            MDC.put("reason", reason);
        }
        if (outageMs != null) {
            MDC.put("outageMs", String.valueOf(outageMs));
        }
        try {
            if (reason != null) {
                LOG.warnf("Health check '%s' %s -> %s (reason: %s)", check, from, to, reason);
            } else {
                LOG.infof("Health check '%s' %s -> %s after an outage of %d ms", check, from, to, outageMs);
            }
        } finally {
            for (String key : new String[] { "check", "from", "to", "reason", "outageMs" }) {
                MDC.remove(key);
            }
        }
    }
}
