package io.creditrobot.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.health.HealthCheckResponse;

import io.creditrobot.reason.Reason;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/**
 * {@code shutdown}: DOWN from the moment the process is told to stop (SIGTERM). During
 * {@code quarkus.shutdown.delay} the application keeps serving while load balancers see the DOWN and stop sending
 * traffic; then in-flight requests complete within {@code quarkus.shutdown.timeout}.
 *
 * <p>
 * Replaces Quarkus' own "Graceful Shutdown" check, which is synchronous and so waits for a worker thread: under
 * load, a readiness probe must not queue behind the requests it protects. Operator: DOWN here is expected during
 * a rollout.
 */
@Readiness
@ApplicationScoped
public class ShutdownReadinessCheck implements AsyncHealthCheck {
    /** Why {@code shutdown} is DOWN: SIGTERM received, draining. */
    public enum ShutdownReason implements Reason {
        SHUTTING_DOWN;

        @Override
        public String code() {
            return "shutting down";
        }
    }


    static final String NAME = "shutdown";

    private volatile boolean stopping;

    ShutdownReadinessCheck() {
    }

    void delayStarted(@Observes ShutdownDelayInitiatedEvent event) {
        stopping = true;
    }

    void shuttingDown(@Observes ShutdownEvent event) {
        stopping = true;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME).status(!stopping);
        if (stopping) {
            Reason.down(builder, ShutdownReason.SHUTTING_DOWN);
        }
        return Uni.createFrom().item(builder.build());
    }
}
