package io.creditrobot.health;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/**
 * {@code schema}: the database schema is at the version this build expects (every Flyway migration it ships is
 * applied). Answers from the migrator's state, never from the database.
 *
 * <p>
 * DOWN means the migrations have not run yet ({@code pending} lists the versions, or says {@code unknown} while the
 * database has not been reached) or failed ({@code error}); the API answers 503 meanwhile. Operator: if the database
 * is reachable and this stays DOWN, read the migration error in the log.
 */
@Readiness
public class SchemaReadinessCheck implements AsyncHealthCheck {

    static final String NAME = "schema";

    private final SchemaMigrator migrator;
    private final HealthTransitions transitions;

    SchemaReadinessCheck(SchemaMigrator migrator, HealthTransitions transitions) {
        this.migrator = migrator;
        this.transitions = transitions;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        SchemaMigrator.Status s = migrator.status();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME).status(s.migrated())
                .withData("attempts", s.attempts());
        if (s.migrated()) {
            builder.withData("version", String.valueOf(s.version()));
        } else {
            builder.withData("reason", "pending")
                    .withData("pending", s.pending() == null ? "unknown" : s.pending());
            if (s.error() != null) {
                builder.withData("error", s.error());
            }
        }
        return Uni.createFrom().item(transitions.observe(builder.build()));
    }
}
