package io.creditrobot.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.ManagementInterface;

/**
 * {@code /q/health/group/<name>} answers 404 for a group this service does not define (it defines none): SmallRye
 * Health answers an unknown group {@code 200 {"status":"UP","checks":[]}}, so a typo in a probe path would read as
 * healthy forever. {@code /q/health/group} (all groups) is left as it is.
 */
@ApplicationScoped
public class HealthGroupRoutes {

    static final String NOT_FOUND = "{\"status\":404,\"error\":\"Not Found\",\"message\":\"No such health group: this "
            + "service defines none. Probe /q/health/live, /q/health/ready or /q/health/started.\"}";

    void install(@Observes ManagementInterface management) {
        management.router().route("/q/health/group/:group").order(-100).handler(context -> context.response()
                .setStatusCode(404).putHeader("Content-Type", "application/json").end(NOT_FOUND));
    }
}
