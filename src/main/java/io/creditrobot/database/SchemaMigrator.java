package io.creditrobot.database;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.jboss.logging.Logger;

import io.creditrobot.Daemons;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Applies the Flyway migrations in the background, so that the application starts without its database and
 * becomes ready, without a restart, once the database can be reached.
 *
 * <p>
 * Attempts back off from {@code initial-backoff} to {@code max-backoff} (the cost of waiting for a database is
 * bounded per time), and a validation that finds the database writable wakes the migrator at once. A failure that
 * would repeat identically (Flyway's validation, a checksum mismatch, a script the database rejects) stops the
 * retries: the schema stays {@code failed} until an operator fixes it and restarts. Each distinct failure is logged
 * once, described from its fields, never from a free-text message that could carry the URL or a credential (see
 * {@link #describe}).
 */
@ApplicationScoped
public class SchemaMigrator {

    private static final Logger LOG = Logger.getLogger(SchemaMigrator.class);

    /** Where the schema stands. */
    public enum State {
        /** Not migrated yet; attempts continue. */
        PENDING,
        /** Every migration of this build is applied. */
        MIGRATED,
        /** A permanent failure: no more attempts. */
        FAILED
    }

    /**
     * {@code pending} lists the versions this build still has to apply (null while the database has not been
     * reached); {@code error} is the last failure's class; {@code migratedAt} is when the migration ended
     * ({@link System#nanoTime()}, 0 before).
     */
    public record Status(State state, String version, String pending, String error, int attempts, long migratedAt) {
        public boolean migrated() {
            return state == State.MIGRATED;
        }

        /** Milliseconds since the migration ended, as of {@code now} ({@link System#nanoTime()}). */
        public long migratedForMs(long now) {
            return TimeUnit.NANOSECONDS.toMillis(now - migratedAt);
        }
    }

    private final Flyway flyway;
    private final DatabaseMonitor monitor;
    private final MigrationConfig config;
    private final Semaphore wakeUp = new Semaphore(0);
    private volatile Status status = new Status(State.PENDING, null, null, null, 0, 0);
    private volatile Thread worker;
    private String lastLogged;

    SchemaMigrator(Flyway flyway, DatabaseMonitor monitor, MigrationConfig config) {
        this.flyway = flyway;
        this.monitor = monitor;
        this.config = config;
    }

    public Status status() {
        return status;
    }

    public boolean isMigrated() {
        return status.migrated();
    }

    void start(@Observes StartupEvent event) {
        monitor.subscribe(database -> {
            if (database.up() && status.state() == State.PENDING) {
                wakeUp.release();
            }
        });
        Thread thread = Daemons.named("creditrobot-schema-migration").newThread(this::migrateUntilDone);
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
            if (attempt(attempts) != State.PENDING) {
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
    private State attempt(int attempts) {
        try {
            MigrateResult result = flyway.migrate();
            String version = result.targetSchemaVersion != null ? result.targetSchemaVersion
                    : result.initialSchemaVersion;
            status = new Status(State.MIGRATED, version, "", null, attempts, System.nanoTime());
            LOG.infof("Database schema is at version %s (attempt %d, %d migrations applied)", version, attempts,
                    result.migrationsExecuted);
        } catch (RuntimeException e) {
            State state = DatabaseFailures.isTransient(e) ? State.PENDING : State.FAILED;
            status = new Status(state, null, pendingVersions(), e.getClass().getName(), attempts, 0);
            logOnce(e, state, attempts);
        }
        return status.state();
    }

    /** Flyway's message, once per distinct error: the operator reads it, the log does not repeat it twice a second. */
    private void logOnce(RuntimeException e, State state, int attempts) {
        String message = describe(e);
        if (state == State.FAILED) {
            LOG.errorf("Database schema migration failed permanently on attempt %d; readiness stays DOWN until it is "
                    + "fixed and the application restarted: %s", attempts, message);
        } else if (!Objects.equals(message, lastLogged)) {
            LOG.warnf("Database schema not migrated yet (attempt %d); retrying in the background: %s", attempts,
                    message);
        }
        lastLogged = message;
    }

    /**
     * A failure, described from its fields only: the exception's class and Flyway's error code; for a validation
     * failure (checksum mismatch, a missing or changed script) Flyway's own message, which it writes from the
     * migrations alone (versions, descriptions, checksums); for a script the database rejected, the migration's
     * version and script, the line and the SQLSTATE; otherwise the SQLSTATE and the root cause's class. No message
     * that the driver or the server wrote (it can name the URL, the user or, in a URL, a password) is ever included,
     * so nothing has to be masked.
     */
    static String describe(RuntimeException e) {
        StringBuilder d = new StringBuilder(e.getClass().getName());
        if (e instanceof FlywayException flyway && flyway.getErrorCode() != null
                && !"ERROR".equals(flyway.getErrorCode().toString())) {
            d.append(" [").append(flyway.getErrorCode()).append(']');
        }
        if (e instanceof FlywayValidateException) {
            d.append(": ").append(e.getMessage());
        } else if (e instanceof FlywayMigrateException migrate) {
            if (migrate.getMigration() != null) {
                d.append(": migration ").append(migrate.getMigration().getVersion()).append(" (")
                        .append(migrate.getMigration().getScript()).append(')');
            }
            if (migrate.getLineNumber() > 0) {
                d.append(", line ").append(migrate.getLineNumber());
            }
            if (migrate.getSqlState() != null) {
                d.append(", SQLSTATE ").append(migrate.getSqlState());
            }
        } else {
            d.append(": SQLSTATE ").append(DatabaseFailures.sqlStateOf(e)).append(", cause ")
                    .append(DatabaseFailures.rootCause(e).getClass().getName());
        }
        return d.toString();
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
