package io.creditrobot.health;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.ManagementInterface;

/**
 * No CORS on the management port: SmallRye Health answers {@code Access-Control-Allow-Origin: *}, which lets any web
 * page a browser on the operator's network opens read health, metrics and OpenAPI. Whatever a handler adds, the
 * {@code Access-Control-*} headers are removed before each answer's headers are written; nothing here needs a
 * browser of another origin (the health UI is served from the same port).
 */
@ApplicationScoped
public class ManagementCors {

    static final List<String> HEADERS = List.of("Access-Control-Allow-Origin", "Access-Control-Allow-Credentials",
            "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Expose-Headers",
            "Access-Control-Max-Age");

    void install(@Observes ManagementInterface management) {
        management.router().route().order(-1000).handler(context -> {
            context.addHeadersEndHandler(done -> HEADERS.forEach(context.response().headers()::remove));
            context.next();
        });
    }
}
