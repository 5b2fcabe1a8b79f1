package io.creditrobot.health;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import io.creditrobot.database.DatabaseMonitor;
import io.creditrobot.database.WriteStatus;
import io.creditrobot.database.WriteRefusal;
import io.creditrobot.reason.Reason;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.Wellness;
import io.smallrye.mutiny.Uni;

/**
 * {@code writes}: a submission's write goes through. The monitor tries one after each validation that found the
 * database writable, on its own session, and rolls it back ({@code WriteTrial}); this check reads what it found and
 * never queries.
 *
 * <p>
 * DOWN with {@code reason}: {@code privilege} (the role may not insert: a {@code REVOKE}), {@code drift} (a column
 * renamed, or a {@code NOT NULL} one this version does not fill), {@code lock-wait} (a lock held elsewhere makes
 * every insert wait: {@code LOCK TABLE … IN SHARE MODE}; two trials in a row),
 * {@code timeout}, {@code resources} (53100: the disk of the database's default tablespace has no free block) or
 * {@code error}, with the SQLSTATE and the names PostgreSQL gives.
 *
 * <p>
 * Wellness, not readiness: such a refusal is the database's, so every instance sees it at once, and taking them all
 * out of rotation would also stop the reads that still work. One log line per change (the watcher). Operator: the
 * reason says where to look; {@code GRANT}, the schema's migration, or the session holding the lock.
 */
@Wellness
public class WritesWellnessCheck implements AsyncHealthCheck {

    static final String NAME = "writes";

    private final DatabaseMonitor monitor;

    WritesWellnessCheck(DatabaseMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        WriteStatus writes = monitor.writes();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME).status(writes.up())
                .withData("trials", writes.trials())
                .withData("lastTrialAgoMs", writes.lastTrialAgoMs(monitor.now()));
        WriteRefusal refusal = writes.refusal();
        if (refusal != null) {
            // Shown while UP too: a first wait counts only from the second trial in a row.
            builder.withData(Reason.KEY, refusal.reason().code()).withData("sqlState", refusal.sqlState())
                    .withData("refusedInRow", writes.refusedInRow());
            data(builder, "table", refusal.table());
            data(builder, "column", refusal.column());
            data(builder, "constraint", refusal.constraint());
        }
        return Uni.createFrom().item(builder.build());
    }

    private static void data(HealthCheckResponseBuilder builder, String key, String value) {
        if (value != null) {
            builder.withData(key, value);
        }
    }
}
