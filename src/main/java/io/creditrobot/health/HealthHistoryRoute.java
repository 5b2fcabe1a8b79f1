package io.creditrobot.health;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /q/health/history} on the management port: the {@link HealthJournal}, oldest first, as JSON. Optional
 * query parameters: {@code check} (one check's name) and {@code since} (an ISO-8601 instant such as
 * {@code 2026-12-02T08:00:00Z}); anything else about them is a 400 in the API's error shape.
 */
@ApplicationScoped
public class HealthHistoryRoute {

    static final String PATH = "/q/health/history";

    private final HealthJournal journal;
    private final ObjectMapper json;

    HealthHistoryRoute(HealthJournal journal, ObjectMapper json) {
        this.journal = journal;
        this.json = json;
    }

    void install(@Observes ManagementInterface management) {
        management.router().get(PATH).order(-100).handler(this::answer);
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
