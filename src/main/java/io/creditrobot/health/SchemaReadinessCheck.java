package io.creditrobot.health;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.creditrobot.reason.Reason;
import io.creditrobot.database.DatabaseMonitor;
import io.creditrobot.database.DatabaseStatus;
import io.creditrobot.database.SchemaMigrator;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/**
 * {@code schema}: the database schema is at the version this build expects (every Flyway migration it ships is
 * applied). Answers from the migrator's state, never from the database.
 *
 * <p>
 * DOWN means the migrations have not run yet ({@code reason: pending}; {@code pending} counts them, or says
 * {@code unknown} while the database has not been reached; retried in the background) or failed for good
 * ({@code reason: failed}: validation, checksum, a rejected script; no more retries), or, once migrated, the API's
 * table has gone ({@code reason: drift}: renamed or dropped, as the database monitor's last answer found; UP again
 * as soon as it is back). The API answers 503 meanwhile.
 * Operator: read Flyway's message in the log (logged once per distinct error); after {@code failed}, fix the
 * migration or the database and restart.
 */
@Readiness
public class SchemaReadinessCheck implements AsyncHealthCheck {
    /** Why {@code schema} is DOWN: not migrated yet, the migration failed for good, the table gone since. */
    public enum SchemaReason implements Reason { PENDING, FAILED, DRIFT }


    static final String NAME = "schema";

    private final SchemaMigrator migrator;
    private final DatabaseMonitor monitor;

    SchemaReadinessCheck(SchemaMigrator migrator, DatabaseMonitor monitor) {
        this.migrator = migrator;
        this.monitor = monitor;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        SchemaMigrator.Status s = migrator.status();
        DatabaseStatus database = monitor.status();
        // Drift when a validation that started after the migration ended found no table (one that started before may
        // have looked before the migration created it).
        boolean drift = s.migrated() && database.tableMissingMs() >= 0
                && database.tableMissingMs() < s.migratedForMs(System.nanoTime());
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME).status(s.migrated() && !drift)
                .withData("attempts", s.attempts());
        // Public (probes read it without credentials): never a version, which the log and Flyway's table hold.
        if (drift) {
            Reason.down(builder, SchemaReason.DRIFT);
        } else if (!s.migrated()) {
            Reason.down(builder, s.state() == SchemaMigrator.State.FAILED ? SchemaReason.FAILED : SchemaReason.PENDING)
                    .withData("pending", s.pending() == null ? "unknown" : String.valueOf(count(s.pending())));
            if (s.error() != null) {
                builder.withData("error", s.error());
            }
        }
        return Uni.createFrom().item(builder.build());
    }

    /** How many versions a comma-separated list names. */
    private static int count(String versions) {
        return versions.isEmpty() ? 0 : versions.split(",").length;
    }
}
