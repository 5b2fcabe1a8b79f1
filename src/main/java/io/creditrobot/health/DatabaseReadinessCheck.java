package io.creditrobot.health;

import java.time.Instant;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.creditrobot.database.DatabaseMonitor;
import io.creditrobot.database.DatabaseStatus;
import io.creditrobot.reason.Reason;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/**
 * {@code database}: the database answers and accepts writes, as found by the monitor's latest validation (one round
 * trip per interval on a connection of its own, whether or not anyone probes). Answers from memory: a probe never
 * waits on the database.
 *
 * <p>
 * DOWN means requests that need the database fail now: the pod leaves the load balancer until it is UP again;
 * liveness is unaffected, so nothing restarts. {@code reason}: {@code unreachable} (refused, no route, restarting),
 * {@code timeout} (a validation has overrun its deadline by {@code down-after}), {@code read-only} (a standby or a
 * demoted primary: writes would fail), {@code error} (with the class and SQLSTATE: also a new session refused, as
 * after a password rotation or with {@code max_connections} full), {@code locked} (an ACCESS EXCLUSIVE lock on the
 * API's table held down-after or longer: every request on it waits), {@code pending} (no answer yet since boot).
 * Operator: check the database, its failover state and the network path to it, not the pod.
 */
@Readiness
public class DatabaseReadinessCheck implements AsyncHealthCheck {

    static final String NAME = "database";

    private final DatabaseMonitor monitor;

    DatabaseReadinessCheck(DatabaseMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.createFrom().item(response(monitor.status()));
    }

    static HealthCheckResponse response(DatabaseStatus s) {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME).status(s.up())
                .withData("roundTripMs", s.roundTripMs())
                .withData("inFlightMs", s.inFlightMs())
                .withData("ageMs", s.ageMs())
                .withData("consecutiveFailures", s.consecutiveFailures())
                .withData("validations", s.validations());
        if (s.tableLockedMs() > 0) {
            builder.withData("tableLockedMs", s.tableLockedMs());
        }
        if (s.ageMs() >= 0) {
            builder.withData("checkedAt", Instant.now().minusMillis(s.ageMs()).toString());
        }
        if (s.role() != null) {
            builder.withData("role", s.role());
        }
        if (!s.up()) {
            Reason.down(builder, s.reason());
            if (s.phase() != null) {
                builder.withData("phase", s.phase());
            }
            builder.withData("lastSuccessAt", s.lastSuccessAgoMs() < 0 ? "never since start"
                    : Instant.now().minusMillis(s.lastSuccessAgoMs()).toString());
            if (s.errorClass() != null) {
                builder.withData("error", s.errorClass());
            }
            if (s.sqlState() != null) {
                builder.withData("sqlState", s.sqlState());
            }
        }
        return builder.build();
    }
}
