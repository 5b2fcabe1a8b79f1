package io.creditrobot.health;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Startup;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/**
 * {@code startup}: the application has finished initialising (Quarkus fired its startup event). Deliberately not
 * dependent on the database: the service starts without it and waits for it in readiness.
 *
 * <p>
 * DOWN means initialisation is still running; a startup probe that never sees UP means the process is stuck in
 * boot, and restarting it is right.
 */
@Startup
@ApplicationScoped
public class StartupCheck implements AsyncHealthCheck {

    static final String NAME = "startup";

    private volatile Instant startedAt;

    StartupCheck() {
    }

    void started(@Observes StartupEvent event) {
        startedAt = Instant.now();
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        Instant at = startedAt;
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME).status(at != null);
        if (at != null) {
            builder.withData("startedAt", at.toString());
        } else {
            builder.withData("reason", "initialising");
        }
        return Uni.createFrom().item(builder.build());
    }
}
