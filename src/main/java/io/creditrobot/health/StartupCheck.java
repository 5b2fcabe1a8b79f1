package io.creditrobot.health;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;

import io.creditrobot.reason.Reason;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Startup;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/**
 * {@code startup}: the application has finished initialising (Quarkus fired its startup event). Deliberately not
 * dependent on the database: the service starts without it and waits for it in readiness.
 *
 * <p>
 * DOWN means initialisation is still running; a startup probe that never sees UP means the process is stuck in
 * boot, and restarting it is right. Its data also tells the start's phases ({@link StartupPhases}): how long the JVM
 * took to Quarkus started (what the startup probe's budget must cover), and then to the database's first answer,
 * the schema migrated and the first moment readiness could say UP (what readiness covers, never the startup probe).
 */
@Startup
@ApplicationScoped
public class StartupCheck implements AsyncHealthCheck {
    /** Why {@code startup} is DOWN: Quarkus has not finished starting. */
    public enum StartupReason implements Reason { INITIALISING }


    static final String NAME = "startup";

    private final StartupPhases phases;

    StartupCheck(StartupPhases phases) {
        this.phases = phases;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        Instant at = phases.quarkusStarted();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME).status(at != null);
        if (at != null) {
            builder.withData("startedAt", at.toString());
        } else {
            Reason.down(builder, StartupReason.INITIALISING);
        }
        phases.phases().forEach((name, value) -> {
            if (value instanceof Long ms) {
                builder.withData(name, ms);
            } else {
                builder.withData(name, String.valueOf(value));
            }
        });
        return Uni.createFrom().item(builder.build());
    }
}
