package io.creditrobot.health;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.Wellness;
import io.smallrye.mutiny.Uni;

/**
 * {@code database-latency}: the last validation's round trip ({@code SELECT 1}, not the connection set-up after an
 * outage) was faster than {@code creditrobot.health.database.slow-threshold}. Wellness only: a slow database still serves, and taking every
 * pod out of routing for it would turn slowness into an outage. Reads the prober's last result; never queries.
 *
 * <p>
 * DOWN means the database answers slowly (or, before readiness fails, not at all). Operator: look at the database's
 * load and at the network between the pod and the database.
 */
@Wellness
public class DatabaseLatencyWellnessCheck implements AsyncHealthCheck {

    static final String NAME = "database-latency";

    private final DatabaseProber prober;
    private final long thresholdMs;
    private final HealthTransitions transitions;

    DatabaseLatencyWellnessCheck(DatabaseProber prober, HealthConfig config, HealthTransitions transitions) {
        this.prober = prober;
        this.thresholdMs = config.database().slowThreshold().toMillis();
        this.transitions = transitions;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        DatabaseValidation last = prober.latest();
        boolean slow = last != null && last.roundTripMs() > thresholdMs;
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME).status(!slow)
                .withData("thresholdMs", thresholdMs);
        if (last != null) {
            builder.withData("roundTripMs", last.roundTripMs());
        }
        if (slow) {
            builder.withData("reason", "slow");
        }
        return Uni.createFrom().item(transitions.observe(builder.build()));
    }
}
