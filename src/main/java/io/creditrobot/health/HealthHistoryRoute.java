package io.creditrobot.health;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /q/health/history} on the management port: the {@link HealthJournal}, oldest first, as JSON. Optional
 * query parameters: {@code check} (one check's name) and {@code since} (an ISO-8601 instant such as
 * {@code 2026-12-02T08:00:00Z}); anything else about them is a 400 in the API's error shape. And
 * {@code GET /q/health/timeline}: a page that draws that history as one lane per check (the operator's, as the health
 * UI is; {@code health-timeline.html}, read once).
 */
@ApplicationScoped
public class HealthHistoryRoute {

    static final String PATH = "/q/health/history";
    static final String TIMELINE = "/q/health/timeline";
    // The page's own script and style are inline; it reads the history from this origin and loads nothing else.
    static final String TIMELINE_POLICY = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
            + "connect-src 'self'";

    private final HealthJournal journal;
    private final ObjectMapper json;
    private final Buffer timeline;

    HealthHistoryRoute(HealthJournal journal, ObjectMapper json) throws IOException {
        this.journal = journal;
        this.json = json;
        try (InputStream page = HealthHistoryRoute.class.getResourceAsStream("/health-timeline.html")) {
            if (page == null) {
                throw new IOException("health-timeline.html is missing from the application");
            }
            this.timeline = Buffer.buffer(page.readAllBytes());
        }
    }

    void install(@Observes ManagementInterface management) {
        management.router().get(PATH).order(-100).handler(this::answer);
        management.router().get(TIMELINE).order(-100).handler(context -> context.response()
                .putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-store")
                .putHeader("Content-Security-Policy", TIMELINE_POLICY).end(timeline));
    }

    private void answer(RoutingContext context) {
        for (String name : new String[] { "check", "since" }) {
            if (context.queryParam(name).size() > 1) {
                badRequest(context, name + " is given more than once");
                return;
            }
        }
        String check = single(context, "check");
        String sinceText = single(context, "since");
        Instant since = null;
        if (sinceText != null) {
            try {
                since = Instant.parse(sinceText);
            } catch (DateTimeParseException e) {
                badRequest(context, "since must be an ISO-8601 instant such as 2026-12-02T08:00:00Z");
                return;
            }
        }
        try {
            reply(context, 200, json.writeValueAsString(journal.read(check, since)));
        } catch (JsonProcessingException e) {
            context.fail(e);
        }
    }

    /** The parameter's one value; empty counts as absent. */
    private static String single(RoutingContext context, String name) {
        var values = context.queryParam(name);
        return values.isEmpty() || values.get(0).isEmpty() ? null : values.get(0);
    }

    private static void badRequest(RoutingContext context, String message) {
        reply(context, 400, "{\"status\":400,\"error\":\"Bad Request\",\"message\":\"" + message + "\"}");
    }

    private static void reply(RoutingContext context, int status, String body) {
        context.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store").end(body);
    }
}
