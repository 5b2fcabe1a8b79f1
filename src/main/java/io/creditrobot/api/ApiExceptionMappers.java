package io.creditrobot.api;

import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import jakarta.inject.Inject;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.quarkus.oidc.OIDCException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

import io.creditrobot.application.CommitOutcomeUnknownException;
import io.creditrobot.application.IdempotencyConflictException;
import io.creditrobot.database.DatabaseFailures;
import io.creditrobot.database.DatabaseRefusal;
import io.creditrobot.database.DatabaseRefusals;

/**
 * Maps every failure of the API to {@link ApiError} JSON, once, here. No stack trace leaves the process: an
 * unexpected failure is logged with a reference that the 500 answer carries.
 */
public class ApiExceptionMappers {

    /** Seconds a client should wait before retrying while the database is unavailable. */
    static final int RETRY_AFTER_SECONDS = 5;

    private static final Logger LOG = Logger.getLogger(ApiExceptionMappers.class);

    /** Notes what the database refused, for the monitor to take on its own thread (DatabaseRefusals). */
    private final Consumer<DatabaseRefusal> refusals;

    @Inject
    ApiExceptionMappers(DatabaseRefusals refusals) {
        this(refusals::note);
    }

    ApiExceptionMappers(Consumer<DatabaseRefusal> refusals) {
        this.refusals = refusals;
    }

    @ServerExceptionMapper
    public Response invalidInput(ConstraintViolationException e) {
        boolean returnValue = e.getConstraintViolations().stream()
                .anyMatch(v -> lastNode(v.getPropertyPath()).getKind() == ElementKind.RETURN_VALUE);
        if (returnValue) {
            return unexpected(e);
        }
        List<ApiError.FieldViolation> violations = e.getConstraintViolations().stream()
                .map(v -> new ApiError.FieldViolation(fieldName(v), v.getMessage()))
                .sorted(Comparator.comparing(ApiError.FieldViolation::field)
                        .thenComparing(ApiError.FieldViolation::message))
                .toList();
        String fields = String.join(", ", violations.stream().map(ApiError.FieldViolation::field).distinct().toList());
        return json(Status.BAD_REQUEST, "Invalid input: " + fields, violations);
    }

    /** Wrong type or shape of a field; Quarkus' own mapper for this type would answer without naming the field. */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        return unreadableJson(e);
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e) {
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("body");
            return json(Status.BAD_REQUEST, "Invalid input: " + field,
                    List.of(new ApiError.FieldViolation(field, "has the wrong type or format")));
        }
        // Not valid JSON at all (a duplicate key, trailing garbage, a broken token): Jackson's own words, which
        // describe the document, never the server.
        return json(Status.BAD_REQUEST, "The request body is not valid JSON: " + e.getOriginalMessage(), null);
    }

    @ServerExceptionMapper
    public Response invalidRequest(RequestViolationsException e) {
        String fields = String.join(", ",
                e.violations().stream().map(ApiError.FieldViolation::field).distinct().toList());
        return json(Status.BAD_REQUEST, "Invalid input: " + fields, e.violations());
    }

    /** No token (RFC 6750: the challenge names the scheme only). */
    @ServerExceptionMapper
    public Response unauthenticated(UnauthorizedException e) {
        return unauthorized("Bearer", "An access token is required (Authorization: Bearer …)");
    }

    /**
     * A token that does not verify: expired, another issuer or audience, a bad signature, an unknown key, an algorithm
     * other than the issuer's. The answer never says which, and never logs the token.
     */
    @ServerExceptionMapper
    public Response invalidToken(AuthenticationFailedException e) {
        if (causedBy(e, OIDCException.class)) {
            return issuerUnavailable(e);
        }
        LOG.debugf("Access token refused: %s", e.getClass().getName());
        return unauthorized("Bearer error=\"invalid_token\"", "The access token is not valid");
    }

    /**
     * The issuer could not be reached to verify a token (down since this instance started, so no keys are cached):
     * a refusal the client can wait out, never a 500 and never "your token is invalid".
     */
    @ServerExceptionMapper
    public Response issuerUnavailable(OIDCException e) {
        return issuerUnavailable((Exception) e);
    }

    private static Response issuerUnavailable(Exception e) {
        LOG.debugf("Access token not verifiable, the identity provider is unreachable: %s", e.getClass().getName());
        return unavailable("The identity provider cannot be reached to verify the access token; nothing was done. "
                + "Retry later.");
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** Authenticated, but the role may not do this. */
    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return json(Status.FORBIDDEN, "Your role may not do this", null);
    }

    private static Response unauthorized(String challenge, String message) {
        return Response.status(Status.UNAUTHORIZED).type(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.WWW_AUTHENTICATE, challenge)
                .entity(new ApiError(401, Status.UNAUTHORIZED.getReasonPhrase(), message, null)).build();
    }

    @ServerExceptionMapper
    public Response idempotencyConflict(IdempotencyConflictException e) {
        return json(Status.CONFLICT, e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException unparsable) {
            return unreadableJson(unparsable);
        }
        Response original = e.getResponse();
        // JAX-RS' own messages ("HTTP 404 Not Found") say nothing the status does not; ours name the resource.
        String message = e.getMessage() == null || e.getMessage().startsWith("HTTP ")
                ? original.getStatusInfo().getReasonPhrase()
                : e.getMessage();
        Response.ResponseBuilder builder = Response.status(original.getStatus()).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(original.getStatus(), original.getStatusInfo().getReasonPhrase(), message, null));
        original.getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Type") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> builder.header(name, v));
            }
        });
        if (original.getStatus() == 405 && original.getHeaderString(HttpHeaders.ALLOW) == null) {
            // RFC 9110: a 405 must say which methods the resource does support.
            builder.header(HttpHeaders.ALLOW, ApiRoutes.allowedMethods(uri.getPath()));
        }
        return builder.build();
    }

    /** Never "nothing was stored" here: the commit may have happened before the connection was lost. */
    @ServerExceptionMapper
    public Response commitOutcomeUnknown(CommitOutcomeUnknownException e) {
        LOG.warnf("Commit outcome unknown (connection lost while committing): %s",
                DatabaseFailures.rootCause(e).getClass().getName());
        return unavailable("The outcome is unknown: the connection to the database was lost while committing, so the "
                + "application may or may not be stored. Retrying with the same Idempotency-Key is safe (it returns "
                + "the stored record or stores it once); without one, look the application up before retrying.");
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        if (isClientGone(e)) {
            // The client (or the load balancer for it) closed the connection while its request was being read: no
            // one will read this answer, and nothing failed on our side.
            LOG.debugf("Client connection lost while reading a request: %s", e.getClass().getName());
            return json(Status.BAD_REQUEST, "The request could not be read completely", null);
        }
        if (DatabaseFailures.isReadOnly(e)) {
            // A demoted primary or a read-only database: pooled sessions reconnect (to the new primary, with a
            // multi-host URL), and readiness re-checks on a fresh session. Reported by readiness, not per request.
            refusals.accept(DatabaseRefusal.WRITE_REFUSED);
            LOG.debugf("Write refused by a read-only database: %s", e.getClass().getName());
            return unavailable("The database refuses writes right now (read-only, as during a failover); nothing "
                    + "was stored. Retry later.");
        }
        if (DatabaseFailures.isUnavailable(e)) {
            // Expected during an outage and reported by the readiness check (which now proves a new session at
            // once): no stack trace per request.
            refusals.accept(DatabaseRefusal.UNAVAILABLE);
            LOG.debugf("Database unavailable while serving a request: %s", e.getClass().getName());
            return unavailable("The database is unavailable; nothing was stored. Retry later.");
        }
        if (DatabaseFailures.isSchemaDrift(e)) {
            // The schema is not the one this version migrated: an operator's fix, never the client's; one line
            // (classes, SQLSTATE, table, column and constraint names; never a message, which holds values) per
            // request.
            LOG.warnf("The database schema is not the one this version uses (a table or column missing, or a NOT NULL "
                    + "column it does not fill): %s", DatabaseFailures.describe(e));
            return unavailable("The database schema is not the one this version expects; nothing was stored. "
                    + "Retry later.");
        }
        String reference = UUID.randomUUID().toString();
        // Structure only (classes, SQLSTATE, constraint and column names, our frame): a message or a stack trace's
        // messages can hold what the client sent, such as PostgreSQL's "Failing row contains (…)".
        LOG.errorf("Unexpected failure, reference %s: %s", reference, DatabaseFailures.describe(e));
        return json(Status.INTERNAL_SERVER_ERROR, "Internal error, reference " + reference, null);
    }

    /** 503 with Retry-After: the answer to every request that needs a database it cannot have right now. */
    public static Response unavailable(String message) {
        return Response.status(Status.SERVICE_UNAVAILABLE).type(MediaType.APPLICATION_JSON_TYPE)
                .header("Retry-After", RETRY_AFTER_SECONDS)
                .entity(new ApiError(503, Status.SERVICE_UNAVAILABLE.getReasonPhrase(), message, null)).build();
    }

    /** An I/O failure of the HTTP connection itself: an IOException with no database failure in its chain. */
    static boolean isClientGone(Throwable failure) {
        boolean io = false;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException) {
                return false;
            }
            io |= t instanceof java.io.IOException;
        }
        return io;
    }

    private static Response json(Status status, String message, List<ApiError.FieldViolation> violations) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(status.getStatusCode(), status.getReasonPhrase(), message, violations)).build();
    }

    /** `submit.request.amount` → `amount`; a header or query parameter keeps its own name. */
    private static String fieldName(ConstraintViolation<?> violation) {
        Path.Node last = lastNode(violation.getPropertyPath());
        if (last.getKind() == ElementKind.PARAMETER) {
            return switch (last.getName()) {
                case "idempotencyKey" -> "Idempotency-Key";
                case "request" -> "body";
                default -> last.getName();
            };
        }
        return last.getName();
    }

    private static Path.Node lastNode(Path path) {
        Path.Node last = null;
        for (Path.Node node : path) {
            last = node;
        }
        return last;
    }
}
