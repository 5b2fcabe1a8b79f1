package io.creditrobot.health;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.health.SmallRyeHealth;
import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Uni;

/**
 * {@code GET /health} on the main HTTP port: the liveness status and body, for load balancers configured for the
 * seed's {@code /health}, and so that a dead main port cannot hide behind a healthy management port.
 */
@Path("/health")
public class MainPortHealthResource {

    private final SmallRyeHealthReporter reporter;

    MainPortHealthResource(SmallRyeHealthReporter reporter) {
        this.reporter = reporter;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Tag(name = "Health")
    @Operation(summary = "Liveness on the main port (seed compatibility)",
            description = "The same status and body as /q/health/live on the management port.")
    @APIResponse(responseCode = "200", description = "Live")
    @APIResponse(responseCode = "503", description = "Not live (a deadlock)")
    public Uni<Response> liveness() {
        return reporter.getLivenessAsync().map(MainPortHealthResource::toResponse);
    }

    private static Response toResponse(SmallRyeHealth health) {
        return Response.status(health.isDown() ? Response.Status.SERVICE_UNAVAILABLE : Response.Status.OK)
                .type(MediaType.APPLICATION_JSON_TYPE).entity(health.getPayload().toString()).build();
    }
}
