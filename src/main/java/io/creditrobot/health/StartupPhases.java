package io.creditrobot.health;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.creditrobot.database.DatabaseMonitor;
import io.creditrobot.database.DatabaseStatus;
import io.creditrobot.database.SchemaMigrator;
import io.quarkus.runtime.StartupEvent;

/**
 * When each phase of this process's start ended, each noted once as it happens: the runtime started (the JVM's own
 * record of its start, to the millisecond; in a native executable, the end of the isolate's set-up, a few
 * milliseconds after exec), Quarkus started (its startup event), the database first answered a validation,
 * the schema was migrated, and the service was first ready (the database writable and the schema migrated, which is
 * what readiness needs besides not shutting down). {@link StartupCheck} reads it; nothing here waits or polls.
 */
@ApplicationScoped
public class StartupPhases {

    private final SchemaMigrator migrator;
    /**
     * The runtime's start. Not {@code ProcessHandle.info().startInstant()}: Linux gives it as the boot time (whole
     * seconds, and drifting from the wall clock) plus clock ticks, which put it about 1.2 s before the launch on the
     * machine this was measured on, and {@code quarkusStartedMs} that much too long.
     */
    private final Instant jvmStarted;
    /** A fixed pair of clocks, so that a monotonic time converts to the same instant on every read. */
    private final Instant wallBase = Instant.now();
    private final long nanoBase = System.nanoTime();
    private volatile Instant quarkusStarted;
    private volatile Instant databaseAnswered;
    private volatile Instant databaseWritable;

    @Inject
    StartupPhases(DatabaseMonitor monitor, SchemaMigrator migrator) {
        this.migrator = migrator;
        this.jvmStarted = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
        monitor.subscribe(this::validated);
    }

    /** First among the startup observers, so that it subscribes before the monitor's first validation starts. */
    void started(@Observes @Priority(1) StartupEvent event) {
        quarkusStarted = Instant.now();
    }

    /** On the validation thread, after each validation: notes the first answer and the first writable answer. */
    private void validated(DatabaseStatus status) {
        if (databaseAnswered == null && status.role() != null) {
            databaseAnswered = Instant.now();
        }
        if (databaseWritable == null && status.up()) {
            databaseWritable = Instant.now();
        }
    }

    Instant quarkusStarted() {
        return quarkusStarted;
    }

    /**
     * The phases that have ended, in order: {@code jvmStartedAt} (an instant), then each later phase as milliseconds
     * after it ({@code quarkusStartedMs}, {@code databaseFirstAnswerMs}, {@code schemaMigratedMs}, {@code readyMs});
     * a phase not reached yet is absent.
     */
    Map<String, Object> phases() {
        Map<String, Object> phases = new LinkedHashMap<>();
        phases.put("jvmStartedAt", jvmStarted.toString());
        put(phases, "quarkusStartedMs", quarkusStarted);
        put(phases, "databaseFirstAnswerMs", databaseAnswered);
        SchemaMigrator.Status schema = migrator.status();
        Instant migrated = schema.migrated() ? wallBase.plusNanos(schema.migratedAt() - nanoBase) : null;
        put(phases, "schemaMigratedMs", migrated);
        Instant writable = databaseWritable;
        put(phases, "readyMs", migrated == null || writable == null ? null : migrated.isAfter(writable) ? migrated
                : writable);
        return phases;
    }

    private void put(Map<String, Object> phases, String name, Instant at) {
        if (at != null) {
            phases.put(name, Math.max(0, Duration.between(jvmStarted, at).toMillis()));
        }
    }
}
