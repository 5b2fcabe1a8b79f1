package io.creditrobot.health;

import java.util.Arrays;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Applies the Flyway migrations in the background, so that the application starts without its database and
 * becomes ready, without a restart, once the database can be reached.
 *
 * <p>
 * Attempts back off from {@code initial-backoff} to {@code max-backoff} (the cost of waiting for a database is
 * bounded per time), and a successful readiness validation wakes the migrator at once, so that readiness follows
 * the database's return within a probe or two instead of a full backoff.
 */
@ApplicationScoped
public class SchemaMigrator {

    private static final Logger LOG = Logger.getLogger(SchemaMigrator.class);

    /**
     * Where the schema stands. {@code pending} lists the versions this build still has to apply (null while the
     * database has not been reached); {@code error} is the last failure's class.
     */
    public record Status(boolean migrated, String version, String pending, String error, int attempts) {
    }

    private final Flyway flyway;
    private final DatabaseProber prober;
    private final HealthConfig.Migration config;
    private final Semaphore wakeUp = new Semaphore(0);
    private volatile Status status = new Status(false, null, null, null, 0);
    private volatile Thread worker;

    SchemaMigrator(Flyway flyway, DatabaseProber prober, HealthConfig config) {
        this.flyway = flyway;
        this.prober = prober;
        this.config = config.migration();
    }

    public Status status() {
        return status;
    }

    public boolean isMigrated() {
        return status.migrated();
    }

    void start(@Observes StartupEvent event) {
        prober.onSuccess(() -> {
            if (!status.migrated()) {
                wakeUp.release();
            }
        });
        Thread thread = new Thread(this::migrateUntilDone, "creditrobot-schema-migration");
        thread.setDaemon(true);
        worker = thread;
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        Thread thread = worker;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void migrateUntilDone() {
        long backoff = config.initialBackoff().toMillis();
        int attempts = 0;
        while (!Thread.currentThread().isInterrupted()) {
            attempts++;
            if (attempt(attempts)) {
                return;
            }
            try {
                wakeUp.tryAcquire(backoff, TimeUnit.MILLISECONDS);
                wakeUp.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(backoff * 2, config.maxBackoff().toMillis());
        }
    }

    /** One migration attempt: a single Flyway call on the happy path, so readiness follows the database quickly. */
    private boolean attempt(int attempts) {
        try {
            MigrateResult result = flyway.migrate();
            String version = result.targetSchemaVersion != null ? result.targetSchemaVersion
                    : result.initialSchemaVersion;
            status = new Status(true, version, "", null, attempts);
            LOG.infof("Database schema is at version %s (attempt %d, %d migrations applied)", version, attempts,
                    result.migrationsExecuted);
            return true;
        } catch (RuntimeException e) {
            if (attempts == 1) {
                LOG.warnf("Database schema not migrated yet (%s); retrying in the background", e.getClass().getName());
            }
            LOG.debugf("Migration attempt %d failed: %s", attempts, e.getClass().getName());
            status = new Status(false, null, pendingVersions(), e.getClass().getName(), attempts);
            return false;
        }
    }

    /** The versions still to apply, or null when the database cannot tell (unreachable). */
    private String pendingVersions() {
        try {
            return Arrays.stream(flyway.info().pending()).map(i -> String.valueOf(i.getVersion()))
                    .collect(Collectors.joining(","));
        } catch (RuntimeException e) {
            return status.pending();
        }
    }
}
