package io.creditrobot.health;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import io.creditrobot.reason.Reason;
import io.creditrobot.database.DatabaseConfig;
import io.creditrobot.database.DatabaseMonitor;
import io.creditrobot.database.DatabaseReason;
import io.creditrobot.database.DatabaseStatus;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.Wellness;
import io.smallrye.mutiny.Uni;

/**
 * {@code database-latency}: the last validation's round trip, and the one running now, are faster than
 * {@code creditrobot.database.slow-threshold}. Wellness only: a slow database still serves, and taking every
 * pod out of routing for it would turn slowness into an outage (readiness waits for {@code down-after}). Reads the
 * monitor's state; never queries.
 *
 * <p>
 * DOWN means the database answers slowly ({@code slow}: the last round trip, or the running validation, is over the
 * threshold while the last validation was answered) or not at all ({@code no-answer}: the last validation failed or
 * overran down-after; it stays so, without flapping, until a validation answers in time again). Operator: look at
 * the database's load and at the network between the pod and the database.
 */
@Wellness
public class DatabaseLatencyWellnessCheck implements AsyncHealthCheck {
    /** Why {@code database-latency} is DOWN: answering over the threshold, or not answering. */
    public enum LatencyReason implements Reason { SLOW, NO_ANSWER }


    static final String NAME = "database-latency";

    private final DatabaseMonitor monitor;
    private final long thresholdMs;

    DatabaseLatencyWellnessCheck(DatabaseMonitor monitor, DatabaseConfig config) {
        this.monitor = monitor;
        this.thresholdMs = config.slowThreshold().toMillis();
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        DatabaseStatus s = monitor.status();
        // Read-only answers were measured; "pending" has no validation ended yet (only a long one in flight counts).
        boolean unanswered = !s.up() && s.reason() != DatabaseReason.PENDING && s.reason() != DatabaseReason.READ_ONLY;
        boolean slow = s.roundTripMs() > thresholdMs || s.inFlightMs() > thresholdMs;
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME).status(!unanswered && !slow)
                .withData("thresholdMs", thresholdMs)
                .withData("roundTripMs", s.roundTripMs())
                .withData("inFlightMs", s.inFlightMs());
        if (unanswered) {
            Reason.down(builder, LatencyReason.NO_ANSWER);
        } else if (slow) {
            Reason.down(builder, LatencyReason.SLOW);
        }
        return Uni.createFrom().item(builder.build());
    }
}
