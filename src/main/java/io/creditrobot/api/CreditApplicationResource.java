package io.creditrobot.api;

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

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.creditrobot.application.ApplicationPage;
import io.creditrobot.application.CreditApplicationService;
import io.creditrobot.application.CreditApplicationView;
import io.creditrobot.application.CreditRequest;
import io.creditrobot.application.Decision;
import io.creditrobot.application.SubmissionResult;

/** The credit-application API: thin mapping between HTTP and {@link CreditApplicationService}. */
@Path("/api/applications")
@Tag(name = "Credit applications", description = "Submit credit applications and read the decisions taken")
@APIResponse(responseCode = "503", description = "The database is unavailable or read-only (nothing was stored), or the "
        + "connection was lost while committing (the outcome is unknown: retrying with the same Idempotency-Key is "
        + "safe). Retry after the number of seconds in Retry-After.", headers = @Header(name = "Retry-After", description = "Seconds",
                schema = @Schema(type = SchemaType.INTEGER)),
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class),
                examples = @ExampleObject(name = "unavailable", value = ApiDocs.UNAVAILABLE)))
@APIResponse(responseCode = "500", description = "Unexpected failure; the message carries a reference found in the log",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CreditApplicationResource {

    /** The largest page a client can ask for; larger sizes are capped, not refused. */
    static final int MAX_PAGE_SIZE = 100;

    @Inject
    CreditApplicationService service;

    @POST
    @Operation(summary = "Submit a credit application",
            description = "Prices the installment, applies the decision rules, stores the application with its "
                    + "decision, score and reasons, and answers with the stored record. With an Idempotency-Key, a "
                    + "retry of the same request returns the original record and creates nothing.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = CreditRequest.class),
            examples = @ExampleObject(name = "approved", value = ApiDocs.REQUEST)))
    @APIResponse(responseCode = "201", description = "Decided and stored (or, with a reused key, replayed: header "
            + "Idempotent-Replayed: true)", headers = @Header(name = "Location", description = "URL of the record"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CreditApplicationView.class),
                    examples = @ExampleObject(name = "approved", value = ApiDocs.APPLICATION)))
    @APIResponse(responseCode = "400", description = "Invalid input, each bad field named; nothing stored",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class),
                    examples = @ExampleObject(name = "invalid", value = ApiDocs.INVALID)))
    @APIResponse(responseCode = "409", description = "The Idempotency-Key was already used for a different request",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public Response submit(
            @Parameter(description = "Makes retries safe: the same key and body return the original record")
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
    @Operation(summary = "Read one credit application")
    @APIResponse(responseCode = "200", description = "The stored record", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CreditApplicationView.class),
            examples = @ExampleObject(name = "approved", value = ApiDocs.APPLICATION)))
    @APIResponse(responseCode = "404", description = "No application with this id (or the id is not a UUID)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public CreditApplicationView get(@PathParam("id") UUID id) {
        return service.find(id).orElseThrow(() -> new NotFoundException("No credit application with id " + id));
    }

    @GET
    @Operation(summary = "List credit applications, newest first",
            description = "Optionally filtered by decision; pages start at 0; size is capped at 100.")
    @APIResponse(responseCode = "200", description = "One page of applications", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApplicationPage.class)))
    @APIResponse(responseCode = "400", description = "A bad decision, page or size",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public ApplicationPage list(
            @QueryParam("decision") @Pattern(regexp = "APPROVED|REFERRED|DECLINED",
                    message = "must be one of APPROVED, REFERRED, DECLINED") String decision,
            @QueryParam("page") @DefaultValue("0") @Min(0) @Max(1_000_000) int page,
            @QueryParam("size") @DefaultValue("20") @Min(1) int size) {
        return service.list(decision == null ? null : Decision.valueOf(decision), page, Math.min(size, MAX_PAGE_SIZE));
    }
}
