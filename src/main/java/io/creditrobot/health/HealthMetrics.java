package io.creditrobot.health;

import java.util.function.Predicate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The health meters, as {@link HealthTransitions} records them: {@code creditrobot_health_check_up{check}},
 * {@code creditrobot_health_check_flapping{check}}, {@code creditrobot_health_transitions_total{check,from,to,reason}}
 * and {@code creditrobot_health_state_seconds_total{check,state}}. The reason label is the check's reason code.
 */
final class HealthMetrics {

    private final MeterRegistry registry;

    HealthMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * A check's two gauges, registered once at its first answer; Micrometer reads them on scrapes. It holds only weak
     * references, so {@code states} and {@code flapping} must be objects their owner keeps (never a lambda).
     */
    <T> void gauges(String check, T states, Predicate<T> up, Flapping flapping) {
        Gauge.builder("creditrobot.health.check.up", states, s -> up.test(s) ? 1 : 0)
                .description("1 when the health check is UP, 0 when DOWN").tag("check", check).register(registry);
        Gauge.builder("creditrobot.health.check.flapping", flapping, f -> f.on() ? 1 : 0)
                .description("1 while the health check is flapping (more transitions than "
                        + "creditrobot.health.journal.flapping-transitions within the flapping window)")
                .tag("check", check).register(registry);
    }

    /** One transition; {@code reason} null when it went UP. */
    void transition(String check, String from, String to, String reason) {
        Counter.builder("creditrobot.health.transitions").description("Health check transitions, as journaled")
                .tag("check", check).tag("from", from).tag("to", to).tag("reason", reason == null ? "none" : reason)
                .register(registry).increment();
    }

    /** A state ({@code UP} or {@code DOWN}) that lasted {@code nanos} has ended. */
    void stateEnded(String check, boolean up, long nanos) {
        Counter.builder("creditrobot.health.state.seconds")
                .description("Time each health check spent in each state, added when the state ends")
                .tag("check", check).tag("state", up ? "UP" : "DOWN").register(registry).increment(nanos / 1e9);
    }
}
