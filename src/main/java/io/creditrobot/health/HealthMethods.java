package io.creditrobot.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.http.HttpMethod;

/**
 * Health answers {@code GET} and {@code HEAD} only: SmallRye Health's routes answer any method, so {@code DELETE} or
 * {@code TRACE} on a probe path read {@code 200}, as if something had been done. Every other method is
 * {@code 405} with {@code Allow}, before authentication (the probes are public).
 */
@ApplicationScoped
public class HealthMethods {

    static final String NOT_ALLOWED = "{\"status\":405,\"error\":\"Method Not Allowed\",\"message\":\"Health answers "
            + "GET and HEAD only.\"}";

    void install(@Observes ManagementInterface management) {
        management.router().routeWithRegex("/q/health(/.*)?").order(-200).handler(context -> {
            HttpMethod method = context.request().method();
            if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
                context.next();
                return;
            }
            context.response().setStatusCode(405).putHeader("Allow", "GET, HEAD")
                    .putHeader("Content-Type", "application/json").end(NOT_ALLOWED);
        });
    }
}
