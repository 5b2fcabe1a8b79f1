package io.creditrobot.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.jboss.logging.Logger;

import io.creditrobot.Daemons;
import io.creditrobot.database.DatabaseMonitor;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.api.AsyncHealthCheck;

/**
 * The one place that records health: evaluates every check (liveness, readiness, startup and wellness) on its own
 * thread, every {@code watch-interval} and right after each database validation, and hands each answer to
 * {@link HealthTransitions}, which logs the changes and keeps the gauges. Checks are pure reads of state, so probes
 * (SmallRye's reporter) and this watcher read the same thing and only this thread writes: the log and the gauges are
 * true even when nobody probes (a Docker-only host probes liveness alone; a scrape may come every minute). Every
 * check answers from memory, so an evaluation costs microseconds and never waits on the database.
 *
 * <p>
 * Every health check bean is watched, asynchronous ({@link AsyncHealthCheck}, ours) or plain ({@link HealthCheck}, as
 * the Quarkus guide shows one): a plain one was served by the probes but never logged, gauged or journaled. A plain
 * check runs on this thread, so one that blocks delays the others' records by as long (never the probes' answers).
 *
 * <pre>
 *   DatabaseMonitor ──(status, after each validation)──▶ HealthWatcher ──▶ checks (read state) ──▶ HealthTransitions
 *   scheduler (watch-interval) ───────────────────────────┘                                       (log lines, gauges)
 *   probes (SmallRye) ──▶ checks (read state) ──▶ JSON answer (records nothing)
 * </pre>
 */
@ApplicationScoped
public class HealthWatcher {

    private static final Logger LOG = Logger.getLogger(HealthWatcher.class);

    private final List<Watched> checks;
    private final HealthTransitions transitions;
    private final long intervalNanos;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Daemons.named("creditrobot-health-watch"));

    /** A check bean's call, and its class's name for the line that says it failed. */
    private record Watched(String name, Supplier<HealthCheckResponse> call) {
    }

    HealthWatcher(@Any Instance<AsyncHealthCheck> checks, @Any Instance<HealthCheck> plainChecks, HealthConfig config,
            DatabaseMonitor monitor, HealthTransitions transitions) {
        this.transitions = transitions;
        this.intervalNanos = config.watchInterval().toNanos();
        List<Watched> all = new ArrayList<>();
        Duration atMost = Duration.ofNanos(intervalNanos);
        checks.forEach(c -> all.add(new Watched(c.getClass().getName(), () -> c.call().await().atMost(atMost))));
        plainChecks.forEach(c -> all.add(new Watched(c.getClass().getName(), c::call)));
        this.checks = List.copyOf(all);
        // Also right after every database validation, so that a change it found is logged at once.
        monitor.subscribe(status -> {
            try {
                scheduler.execute(this::evaluate);
            } catch (RejectedExecutionException e) {
                // Shutting down: the watcher has stopped, and a validation that ended late has nobody to tell.
            }
        });
    }

    /** Last among the startup observers, so that the first evaluation (which registers every gauge) sees them done. */
    void start(@Observes @Priority(Integer.MAX_VALUE) StartupEvent event) {
        scheduler.scheduleAtFixedRate(this::evaluate, 0, intervalNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * On this thread, not through SmallRye's reporter: it may hop onto a Vert.x event loop without a request
     * context, where the transition log's MDC fields would be lost.
     */
    private void evaluate() {
        for (Watched check : checks) {
            try {
                transitions.observe(Observation.of(check.call().get()));
            } catch (RuntimeException e) {
                // A scheduled task that throws is never run again: keep watching, and say why this check failed.
                LOG.warnf("Health check %s failed: %s", check.name(), e.getClass().getName());
            }
        }
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }
}
