package io.creditrobot.api;

import java.io.IOException;
import java.util.UUID;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.oidc.BearerTokenAuthentication;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;


import io.creditrobot.application.ApplicationPage;
import io.creditrobot.application.Caller;
import io.creditrobot.application.CreditApplicationService;
import io.creditrobot.application.CreditApplicationView;
import io.creditrobot.application.CreditRequest;
import io.creditrobot.application.Decision;
import io.creditrobot.application.SubmissionResult;

/**
 * The credit-application API: thin mapping between HTTP and {@link CreditApplicationService}. Every operation needs a
 * bearer token: applicants submit and read their own applications, officers read and list all of them.
 */
@Path(CreditApplicationResource.PATH)
@BearerTokenAuthentication
@Tag(name = "Credit applications", description = "Submit credit applications and read the decisions taken")
@APIResponse(responseCode = "503", description = "The database is unavailable or read-only (nothing was stored), or the "
        + "connection was lost while committing (the outcome is unknown: retrying with the same Idempotency-Key is "
        + "safe). Retry after the number of seconds in Retry-After.", headers = @Header(name = "Retry-After", description = "Seconds",
                schema = @Schema(type = SchemaType.INTEGER)),
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class),
                examples = @ExampleObject(name = "unavailable", value = ApiDocs.UNAVAILABLE)))
@APIResponse(responseCode = "414", description = "The request URI is longer than 4096 characters", content = @Content(
        mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
@APIResponse(responseCode = "431", description = "The request headers are larger than 20 KiB", content = @Content(
        mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
@APIResponse(responseCode = "500", description = "Unexpected failure; the message carries a reference found in the log",
        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CreditApplicationResource {

    static final String PATH = "/api/applications";
    /** The largest page a client can ask for; larger sizes are capped, not refused. */
    static final int MAX_PAGE_SIZE = 100;
    /** Offset paging stops here: deeper pages cost a scan; the cursor has no such limit. */
    static final int MAX_PAGE = 1_000_000;
    static final String APPLICANT = "applicant";
    static final String OFFICER = "officer";
    /** The owner column's size (V3) and OpenID Connect's limit for {@code sub}. */
    static final int MAX_SUBJECT = 255;

    @Inject
    CreditApplicationService service;

    @Inject
    CreditRequestReader reader;

    @Inject
    SecurityIdentity identity;

    @Inject
    JsonWebToken token;

    @POST
    @RolesAllowed(APPLICANT)
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
    @APIResponse(responseCode = "400", description = "Invalid input, every bad field named (wrong type, out of bounds, "
            + "control characters, unknown field, a bad Idempotency-Key), or a body that is not one JSON object "
            + "(duplicate key, trailing data); nothing stored",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class),
                    examples = @ExampleObject(name = "invalid", value = ApiDocs.INVALID)))
    @APIResponse(responseCode = "409", description = "The Idempotency-Key was already used for a different request",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "413", description = "The body is larger than 64 KiB; nothing read, nothing stored",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "415", description = "The body is not sent as application/json (the one parameter "
            + "allowed is charset=utf-8; no Content-Type, a wildcard or a Content-Encoding are refused too)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @Parameter(name = "Idempotency-Key", in = ParameterIn.HEADER, description = "Makes retries safe: the same key "
            + "and body return the original record. 1 to 255 visible ASCII characters, sent at most once; an empty "
            + "value is refused (400).", schema = @Schema(type = SchemaType.STRING, minLength = 1, maxLength = 255))
    public Response submit(byte[] body, @Context HttpHeaders headers) throws IOException {
        JsonContent.require(headers);
        CreditRequestReader.Submission submission = reader.read(body, headers.getRequestHeader("Idempotency-Key"));
        SubmissionResult result = service.submit(submission.request(), submission.idempotencyKey(), caller());
        // Relative (RFC 9110): never built from the client's Host header, and always buildable (HTTP/1.0, no Host).
        Response.ResponseBuilder response = Response.status(Response.Status.CREATED)
                .header(HttpHeaders.LOCATION, PATH + "/" + result.application().id()).entity(result.application());
        if (result.replayed()) {
            response.header("Idempotent-Replayed", "true");
        }
        return response.build();
    }

    /** OPTIONS names exactly the methods each route serves (Quarkus' own answer listed the class's methods). */
    @OPTIONS
    @PermitAll
    @Operation(hidden = true)
    public Response optionsOfList(@Context UriInfo uri) {
        return Response.noContent().header(HttpHeaders.ALLOW, ApiRoutes.allowedMethods(uri.getPath())).build();
    }

    @OPTIONS
    @PermitAll
    @Path("/{id}")
    @Operation(hidden = true)
    public Response optionsOfOne(@Context UriInfo uri) {
        return optionsOfList(uri);
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({ APPLICANT, OFFICER })
    @Operation(summary = "Read one credit application", description = "An applicant reads their own applications, an "
            + "officer any. Another applicant's id answers 404, exactly like an unknown one.")
    @APIResponse(responseCode = "200", description = "The stored record", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CreditApplicationView.class),
            examples = @ExampleObject(name = "approved", value = ApiDocs.APPLICATION)))
    @APIResponse(responseCode = "400", description = "The id is not a UUID",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "No application with this id",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public CreditApplicationView get(
            @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid")) @PathParam("id") String id) {
        UUID uuid = Parameters.uuid("id", id);
        return service.find(uuid, caller())
                .orElseThrow(() -> new NotFoundException("No credit application with id " + uuid));
    }

    @GET
    @RolesAllowed({ APPLICANT, OFFICER })
    @Operation(summary = "List credit applications, newest first",
            description = "`scope=own` lists the caller's own applications, `scope=all` every applicant's "
                    + "(officers only); the default is `all` for an officer, `own` for an applicant. Optionally filtered "
                    + "by decision. Two ways to page: `page` (from 0, offset paging: pages "
                    + "shift when applications are added meanwhile) or `cursor` (the `nextCursor` of the previous "
                    + "answer: stable while others insert, no row skipped or repeated). `size` is capped at 100. "
                    + "Newest first means in the order the database stored them.")
    @APIResponse(responseCode = "200", description = "One page of applications", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApplicationPage.class)))
    @APIResponse(responseCode = "400", description = "A bad decision, page, size or cursor (a cursor cut short or "
            + "edited included), a bad scope, a parameter sent twice, or both page and cursor",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "An applicant asked for scope=all",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public ApplicationPage list(
            @Parameter(schema = @Schema(enumeration = { "own", "all" })) @QueryParam("scope") @Pattern(
                    regexp = "own|all", message = "must be own or all") String scope,
            @QueryParam("decision") @Pattern(regexp = "APPROVED|REFERRED|DECLINED",
                    message = "must be one of APPROVED, REFERRED, DECLINED") String decision,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "0", maximum = "1000000",
                    defaultValue = "0")) @QueryParam("page") String page,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1", defaultValue = "20"))
            @QueryParam("size") String size,
            @Parameter(description = "The nextCursor of the previous page") @QueryParam("cursor") String cursor,
            @Context UriInfo uri) {
        Parameters.notRepeated(uri.getQueryParameters(), "scope", "decision", "page", "size", "cursor");
        Caller caller = caller();
        if ("all".equals(scope) && !caller.officer()) {
            throw new ForbiddenException("Only an officer lists every applicant's applications");
        }
        boolean all = scope == null ? caller.officer() : scope.equals("all");
        int pageNumber = Parameters.wholeNumber("page", page, 0, 0, MAX_PAGE);
        int pageSize = Math.min(Parameters.wholeNumber("size", size, 20, 1, 999_999_999), MAX_PAGE_SIZE);
        UUID after = Parameters.position(cursor);
        if (after != null && page != null) {
            throw RequestViolationsException.of("cursor", "cannot be combined with page");
        }
        CreditApplicationService.ListedPage listed = service.list(
                decision == null ? null : Decision.valueOf(decision), pageNumber, pageSize, after,
                all ? null : caller.subject());
        return new ApplicationPage(listed.items(), after == null ? pageNumber : null, pageSize, listed.total(),
                listed.totalExact(), listed.nextAfter() == null ? null : Parameters.cursor(listed.nextAfter()));
    }

    /**
     * The verified token's subject and role. A subject the owner column cannot hold (none, longer than OpenID
     * Connect's 255 characters, a control character such as NUL, which PostgreSQL refuses) identifies no one: 401,
     * never a failed INSERT answered 500. Nor does one that is not well-formed Unicode (an unpaired surrogate, which a
     * JSON string escape can carry): UTF-8 has no encoding for it, and the driver would store it as {@code ?}, making
     * {@code victim} with a lone high surrogate the owner {@code victim?}, another subject's.
     */
    private Caller caller() {
        String subject = token.getSubject();
        if (subject == null || subject.isBlank() || subject.length() > MAX_SUBJECT
                || subject.chars().anyMatch(Character::isISOControl) || !wellFormed(subject)) {
            throw new UnauthorizedException("The access token names no usable subject");
        }
        return new Caller(subject, identity.hasRole(OFFICER));
    }

    /** True when every surrogate in {@code text} is half of a pair: the text has a UTF-8 encoding. */
    static boolean wellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
