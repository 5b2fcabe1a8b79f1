package io.creditrobot.health;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.creditrobot.database.DatabaseMonitor;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.SmallRyeHealthReporter;

/**
 * Evaluates every health check (liveness, readiness, startup and wellness) on a schedule, as a probe would, so that
 * each transition is logged and each {@code creditrobot_health_check_up} gauge is updated even when nobody probes (a
 * Docker-only host probes liveness alone; a scrape may come every minute), and right after each database validation.
 * Every check answers from memory, so an evaluation costs microseconds and never waits on the database.
 */
@ApplicationScoped
public class HealthWatcher {

    private static final Logger LOG = Logger.getLogger(HealthWatcher.class);

    private final SmallRyeHealthReporter reporter;
    private final long intervalNanos;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "creditrobot-health-watch");
        thread.setDaemon(true);
        return thread;
    });

    HealthWatcher(SmallRyeHealthReporter reporter, HealthConfig config, DatabaseMonitor monitor) {
        this.reporter = reporter;
        this.intervalNanos = config.watchInterval().toNanos();
        // Also right after every database validation, so that a change it found is logged at once.
        monitor.subscribe(status -> scheduler.execute(this::evaluate));
    }

    /** Last among the startup observers, so that the first evaluation (which registers every gauge) sees them done. */
    void start(@Observes @Priority(Integer.MAX_VALUE) StartupEvent event) {
        scheduler.scheduleAtFixedRate(this::evaluate, 0, intervalNanos, TimeUnit.NANOSECONDS);
    }

    private void evaluate() {
        try {
            reporter.getHealthAsync().await().atMost(java.time.Duration.ofNanos(intervalNanos));
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: keep watching, and say why this round failed.
            LOG.warnf("Health evaluation failed: %s", e.getClass().getName());
        }
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }
}
