package io.creditrobot.health;

import java.time.Duration;
import java.time.Instant;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/**
 * {@code database}: a real round trip to PostgreSQL through the application's pool, answered within the deadline
 * (see {@link DatabaseProber}).
 *
 * <p>
 * DOWN means requests that need the database would fail now: the pod leaves the load balancer until it is UP
 * again; liveness is unaffected, so nothing restarts. {@code reason: timeout} is a database (or network) that does
 * not answer; {@code reason: error} names the failure's class and SQLSTATE. Operator: check the database and the
 * network path to it, not the pod.
 */
@Readiness
public class DatabaseReadinessCheck implements AsyncHealthCheck {

    static final String NAME = "database";

    private final DatabaseProber prober;
    private final HealthTransitions transitions;

    DatabaseReadinessCheck(DatabaseProber prober, HealthTransitions transitions) {
        this.prober = prober;
        this.transitions = transitions;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.createFrom().completionStage(prober::check).map(v -> transitions.observe(response(v)));
    }

    static HealthCheckResponse response(DatabaseValidation v) {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME).status(v.up())
                .withData("latencyMs", v.latencyMs())
                .withData("roundTripMs", v.roundTripMs())
                .withData("checkedAt", v.checkedAt().toString())
                .withData("ageMs", Math.max(0, Duration.between(v.checkedAt(), Instant.now()).toMillis()))
                .withData("consecutiveFailures", v.consecutiveFailures())
                .withData("validations", v.validations());
        if (!v.up()) {
            builder.withData("reason", v.reason());
            if (v.errorClass() != null) {
                builder.withData("error", v.errorClass());
            }
            if (v.sqlState() != null) {
                builder.withData("sqlState", v.sqlState());
            }
        }
        return builder.build();
    }
}
