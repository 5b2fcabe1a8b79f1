package io.creditrobot.application;

import java.net.URI;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;

/** The credit-application API: thin mapping between HTTP and {@link CreditApplicationService}. */
@Path("/api/applications")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CreditApplicationResource {

    /** The largest page a client can ask for; larger sizes are capped, not refused. */
    static final int MAX_PAGE_SIZE = 100;

    @Inject
    CreditApplicationService service;

    @POST
    public Response submit(
            @HeaderParam("Idempotency-Key") @Size(min = 1, max = 255) @Pattern(regexp = "[\\x21-\\x7E]+",
                    message = "must be 1 to 255 visible ASCII characters") String idempotencyKey,
            @NotNull(message = "a JSON body is required") @Valid CreditRequest request,
            @Context UriInfo uriInfo) {
        SubmissionResult result = service.submit(request, idempotencyKey);
        URI location = uriInfo.getAbsolutePathBuilder().path(result.application().id().toString()).build();
        Response.ResponseBuilder response = Response.created(location).entity(result.application());
        if (result.replayed()) {
            response.header("Idempotent-Replayed", "true");
        }
        return response.build();
    }

    @GET
    @Path("/{id}")
    public CreditApplicationView get(@PathParam("id") UUID id) {
        return service.find(id).orElseThrow(() -> new NotFoundException("No credit application with id " + id));
    }

    @GET
    public ApplicationPage list(
            @QueryParam("decision") @Pattern(regexp = "APPROVED|REFERRED|DECLINED",
                    message = "must be one of APPROVED, REFERRED, DECLINED") String decision,
            @QueryParam("page") @DefaultValue("0") @Min(0) @Max(1_000_000) int page,
            @QueryParam("size") @DefaultValue("20") @Min(1) int size) {
        return service.list(decision == null ? null : Decision.valueOf(decision), page, Math.min(size, MAX_PAGE_SIZE));
    }
}
