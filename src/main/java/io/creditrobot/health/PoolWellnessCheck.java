package io.creditrobot.health;

import org.eclipse.microprofile.health.HealthCheckResponse;

import io.creditrobot.reason.Reason;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.AgroalDataSourceMetrics;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.Wellness;
import io.smallrye.mutiny.Uni;

/**
 * {@code pool}: the connection pool has room. Wellness only: a saturated pool under a traffic peak is no reason to
 * take the pod out of routing (the others are as busy), but it is the first sign of slow queries or a leak.
 *
 * <p>
 * DOWN when the share of connections in use reaches {@code creditrobot.health.pool.saturation-threshold} (a full
 * pool is where threads start to wait). A thread waiting while the pool has room waits for a connection being
 * opened: the database is slow to accept or refuses new sessions, which readiness ({@code database}) reports; the pool
 * stays UP then and shows {@code awaiting}. Operator: look at database latency and at long transactions.
 */
@Wellness
public class PoolWellnessCheck implements AsyncHealthCheck {
    /** Why {@code pool} is DOWN: at least the threshold of it in use. */
    public enum PoolReason implements Reason { SATURATED }


    static final String NAME = "pool";

    private final AgroalDataSource dataSource;
    private final double threshold;

    PoolWellnessCheck(AgroalDataSource dataSource, HealthConfig config) {
        this.dataSource = dataSource;
        this.threshold = config.pool().saturationThreshold();
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        AgroalDataSourceMetrics metrics = dataSource.getMetrics();
        int max = dataSource.getConfiguration().connectionPoolConfiguration().maxSize();
        long active = metrics.activeCount();
        long awaiting = metrics.awaitingCount();
        boolean saturated = max > 0 && (double) active / max >= threshold;
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME).status(!saturated)
                .withData("active", active)
                .withData("available", metrics.availableCount())
                .withData("awaiting", awaiting)
                .withData("max", max);
        if (saturated) {
            Reason.down(builder, PoolReason.SATURATED);
        }
        return Uni.createFrom().item(builder.build());
    }
}
