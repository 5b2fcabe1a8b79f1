package io.creditrobot.health;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import io.creditrobot.reason.Reason;
import io.creditrobot.database.DatabaseConfig;
import io.creditrobot.database.DatabaseMonitor;
import io.creditrobot.database.WriteStatus;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.Wellness;
import io.smallrye.mutiny.Uni;

/**
 * {@code listing}: what is submitted gets listed. A listing shows applications below the write horizon, the oldest
 * write still in flight anywhere in the PostgreSQL cluster, so that a cursor never passes one that commits late; a
 * write transaction left open (another client's, a stuck batch job) holds back every application committed after it
 * began, while their POSTs are answered 201 and GET by id shows them. The monitor's write trial counts them
 * ({@code WriteTrial}); this check reads what it found and never queries.
 *
 * <p>
 * DOWN with {@code reason} {@code held} once applications have waited at one horizon for down-after; data: how many
 * ({@code heldApplications}, counted up to 10,001) and for how long ({@code heldForMs}). Wellness, not readiness: every
 * instance sees the same horizon, and reads and writes still work. Operator: find the oldest open transaction
 * ({@code SELECT pid, usename, xact_start, state FROM pg_stat_activity WHERE backend_xid IS NOT NULL ORDER BY
 * xact_start LIMIT 1}, as a role that may see every session) and end it.
 */
@Wellness
public class ListingWellnessCheck implements AsyncHealthCheck {
    /** Why {@code listing} is DOWN: applications held back at one horizon for down-after. */
    public enum ListingReason implements Reason { HELD }


    static final String NAME = "listing";

    private final DatabaseMonitor monitor;
    private final long downAfterMs;

    ListingWellnessCheck(DatabaseMonitor monitor, DatabaseConfig config) {
        this.monitor = monitor;
        this.downAfterMs = config.downAfter().toMillis();
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        WriteStatus writes = monitor.writes();
        long heldForMs = writes.heldForMs();
        boolean held = writes.held() > 0 && heldForMs >= downAfterMs;
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME).status(!held)
                .withData("heldApplications", writes.held()).withData("heldForMs", heldForMs);
        if (held) {
            Reason.down(builder, ListingReason.HELD);
        }
        return Uni.createFrom().item(builder.build());
    }
}
