package io.creditrobot.api;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The API port's request limits, each answered with the same JSON error as every other failure, before any body is
 * read: an HTTP/1.1 request without {@code Host} (400), a chunked body (411: its length is unknown until read), a
 * declared body over {@code quarkus.http.limits.max-body-size} (413, connection closed), a request URI over
 * {@value #MAX_URI_LENGTH} characters (414), request headers over {@value #MAX_HEADER_BYTES} bytes (431).
 *
 * <p>
 * Vert.x's HTTP codec refuses larger requests itself, with an empty body and before any handler can answer, so its
 * own limits ({@code quarkus.http.limits.max-initial-line-length}, {@code max-header-size}) are set above these:
 * only a request beyond those gets a bare status line.
 */
@ApplicationScoped
public class RequestLimits {

    static final int MAX_URI_LENGTH = 4096;
    static final int MAX_HEADER_BYTES = 20 * 1024;
    /** Before Quarkus' own body-size check (order -2), which answers 413 with an empty body. */
    static final int ORDER = -3;

    private final long maxBodyBytes;
    private final ObjectMapper json;

    RequestLimits(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBody, ObjectMapper json) {
        this.maxBodyBytes = maxBody.asLongValue();
        this.json = json;
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::check);
        router.route().order(ORDER).failureHandler(this::withoutHost);
    }

    /**
     * RFC 9112: an HTTP/1.1 request without {@code Host} is a 400. Vert.x Web fails such a request before any route
     * runs (it cannot build the absolute URI), and Quarkus' error handler answered in another shape and logged an
     * ERROR per request; this failure handler comes first. HTTP/1.0 needs no Host.
     */
    private void withoutHost(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (request.version() == HttpVersion.HTTP_1_1 && request.getHeader("Host") == null
                && !context.response().headWritten()) {
            refuse(context, 400, "Bad Request", "An HTTP/1.1 request needs a Host header");
        } else {
            context.next();
        }
    }

    private void check(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (request.version() != HttpVersion.HTTP_2 && request.getHeader("Transfer-Encoding") != null) {
            // A chunked body's size is known only once it is read; past the limit Quarkus answered an empty 413
            // and logged an ERROR per request. A credit application is a few hundred bytes: say how long it is.
            refuse(context, 411, "Length Required", "Send the body with a Content-Length (at most " + maxBodyBytes
                    + " bytes), not chunked");
        } else if (request.uri().length() > MAX_URI_LENGTH) {
            refuse(context, 414, "URI Too Long", "The request URI is longer than " + MAX_URI_LENGTH + " characters");
        } else if (headerBytes(request) > MAX_HEADER_BYTES) {
            refuse(context, 431, "Request Header Fields Too Large",
                    "The request headers are larger than " + MAX_HEADER_BYTES + " bytes");
        } else if (declaredBodyBytes(request) > maxBodyBytes) {
            refuse(context, 413, "Content Too Large", "The request body is larger than " + maxBodyBytes
                    + " bytes; a credit application is a few hundred");
        } else {
            context.next();
        }
    }

    private static long headerBytes(HttpServerRequest request) {
        long bytes = 0;
        for (Map.Entry<String, String> header : request.headers()) {
            bytes += header.getKey().length() + header.getValue().length() + 4;
        }
        return bytes;
    }

    private static long declaredBodyBytes(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        if (length == null) {
            return -1;
        }
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1; // Vert.x's codec rejects a malformed length before this runs.
        }
    }

    private void refuse(RoutingContext context, int status, String reason, String message) {
        String body;
        try {
            body = json.writeValueAsString(new ApiError(status, reason, message, null));
        } catch (JsonProcessingException e) {
            body = "{\"status\":" + status + "}";
        }
        // HTTP/1.x: the unread body would otherwise be read as the next request, so the answer says
        // "Connection: close" and Vert.x closes after it. Not closed by hand at once: a client still sending its body
        // would get a reset that can destroy the answer before it is read (ApiPropertiesIT saw "header parser
        // received no bytes" for a 70 KB body). HTTP/2 has no connection header (RFC 9113 8.2.2) and other streams
        // share the connection: only this stream ends.
        HttpServerResponse response = context.response().setStatusCode(status)
                .putHeader("Content-Type", "application/json");
        if (context.request().version() != HttpVersion.HTTP_2) {
            response.setStatusMessage(reason).putHeader("Connection", "close");
        }
        response.end(body);
    }
}
