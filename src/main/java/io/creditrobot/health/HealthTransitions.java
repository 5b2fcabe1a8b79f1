package io.creditrobot.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Remembers each check's last state (status and, when DOWN, reason), so that a change is recorded exactly once and
 * nothing is recorded per probe. Each change goes to the {@link HealthJournal} (with the check's data as evidence and
 * how long the state it left lasted), to {@code creditrobot_health_transitions_total{check,from,to,reason}} and
 * {@code creditrobot_health_state_seconds_total{check,state}} (added when a state ends), and to the log:
 * {@code UP -> DOWN} with the reason, {@code DOWN -> UP} with the outage's duration, and a change of reason inside DOWN
 * ({@code DOWN(pending) -> DOWN(unreachable)}) so that the real cause is logged when it replaces the first one. A
 * normal boot's transitions ({@code START -> DOWN(pending)}, then {@code -> UP}) are INFO; a check going DOWN for any
 * other reason is WARN. Each state is also a gauge {@code creditrobot_health_check_up{check=…}} (1 up, 0 down).
 *
 * <p>
 * A check with more than {@code flapping-transitions} changes within {@code flapping-window} is flapping: one WARN
 * line says so and {@code creditrobot_health_check_flapping{check}} reads 1; its further changes are journaled and
 * counted but not logged, and one INFO line says when it has been steady for a whole window. Flapping is reported,
 * never turned into a status: readiness keeps telling what each validation finds.
 *
 * <p>
 * Each line carries its facts as MDC fields ({@code check}, {@code from}, {@code to}, {@code reason},
 * {@code outageMs}), which the production JSON log shows as structured fields. Called by {@link HealthWatcher}'s
 * thread only. This class keeps the states and decides what changed; {@link HealthMetrics} holds the meters,
 * {@link Flapping} each check's window, {@link HealthJournal} the entries.
 */
@ApplicationScoped
public class HealthTransitions {

    private static final Logger LOG = Logger.getLogger(HealthTransitions.class);
    private static final String PENDING = "pending";

    private final HealthMetrics metrics;
    private final HealthJournal journal;
    private final int flappingTransitions;
    private final long flappingWindowNanos;
    private final LongSupplier nanoClock;
    private final Supplier<Instant> wallClock;
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final Map<String, Flapping> flapping = new ConcurrentHashMap<>();

    /**
     * A check's state: {@code reason} is null when up; {@code since} is when it last went UP or DOWN (the monotonic
     * clock), kept across a change of reason inside DOWN so that the outage is measured whole; {@code reasonSince} is
     * when this exact state (status and reason) began.
     */
    private record State(boolean up, String reason, long since, long reasonSince) {
    }

    @Inject
    HealthTransitions(MeterRegistry registry, HealthJournal journal, HealthConfig config) {
        this(registry, journal, config.journal().flappingTransitions(), config.journal().flappingWindow(),
                System::nanoTime, Instant::now);
    }

    HealthTransitions(MeterRegistry registry, HealthJournal journal, int flappingTransitions, Duration flappingWindow,
            LongSupplier nanoClock, Supplier<Instant> wallClock) {
        this.metrics = new HealthMetrics(registry);
        this.journal = journal;
        this.flappingTransitions = flappingTransitions;
        this.flappingWindowNanos = flappingWindow.toNanos();
        this.nanoClock = nanoClock;
        this.wallClock = wallClock;
    }

    /** Records the state a check reports. Called by {@link HealthWatcher}'s thread only. */
    void observe(Observation seen) {
        String check = seen.check();
        boolean up = seen.up();
        String reason = seen.reason();
        long now = nanoClock.getAsLong();
        State current = states.get(check);
        Flapping flap = flapping.computeIfAbsent(check, c -> new Flapping(flappingTransitions, flappingWindowNanos));
        if (current != null && current.up() == up && Objects.equals(current.reason(), reason)) {
            flap.settle(check, now, up, reason);
            return;
        }
        boolean first = current == null;
        // One writer (the watcher); the map is concurrent for the gauges, which Micrometer reads on scrapes.
        states.put(check, new State(up, reason, current != null && current.up() == up ? current.since() : now, now));
        if (first) {
            metrics.gauges(check, states, s -> s.get(check).up(), flap);
        }
        String from = first ? "START" : current.up() ? "UP" : "DOWN";
        String to = up ? "UP" : "DOWN";
        metrics.transition(check, from, to, reason);
        if (!first) {
            metrics.stateEnded(check, current.up(), now - current.reasonSince());
            flap.count(check, now);
        }
        journal.record(check, from, to, reason, wallClock.get(),
                first ? null : Duration.ofNanos(now - current.reasonSince()).toMillis(), seen.evidence(), flap.on());
        if (first && up) {
            return;
        }
        if (flap.on()) {
            flap.unlogged();
            return;
        }
        boolean reasonChange = "DOWN".equals(from) && !up;
        String transition = reasonChange ? "DOWN(" + current.reason() + ") -> DOWN(" + reason + ")"
                : from + " -> " + to;
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
