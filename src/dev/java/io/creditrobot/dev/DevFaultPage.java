package io.creditrobot.dev;

import java.io.IOException;
import java.io.InputStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /q/dev/faults} on the management port, in dev mode only: buttons that stop, freeze, make read-only and
 * restore the embedded PostgreSQL ({@link DevPostgres}), beside the live readiness and the health timeline
 * ({@code /q/health/timeline}). {@code POST /q/dev/faults/{fault}} does it; the management port's operator login
 * guards both, as it guards the timeline. Not in the production build: the class is compiled into the application in
 * dev mode only (pom.xml), and is no bean outside the dev profile (the tests compile it too).
 */
@IfBuildProfile("dev")
@ApplicationScoped
public class DevFaultPage {

    static final String PAGE = "/q/dev/faults";
    /** A header no cross-origin page can send without a preflight, which the management port never grants. */
    static final String HEADER = "X-CreditRobot-Dev";
    static final String POLICY = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
            + "connect-src 'self'; frame-src 'self'";

    private final Buffer page;

    DevFaultPage() throws IOException {
        try (InputStream html = DevFaultPage.class.getResourceAsStream("dev-faults.html")) {
            if (html == null) {
                throw new IOException("dev-faults.html is missing (src/dev/resources)");
            }
            this.page = Buffer.buffer(html.readAllBytes());
        }
    }

    void install(@Observes ManagementInterface management) {
        management.router().get(PAGE).order(-100).handler(context -> context.response()
                .putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-store")
                .putHeader("Content-Security-Policy", POLICY).end(page));
        // Each fault runs pg_ctl or a statement: off the event loop.
        management.router().post(PAGE + "/:fault").order(-100).blockingHandler(this::inject, false);
    }

    private void inject(RoutingContext context) {
        if (context.request().getHeader(HEADER) == null) {
            reply(context, 403, "a fault needs the " + HEADER + " header");
            return;
        }
        String fault = context.pathParam("fault");
        LocalPostgres server = DevPostgres.server();
        try {
            switch (fault) {
                case "stop" -> server.stop();
                case "freeze" -> server.freeze();
                case "read-only" -> DevPostgres.readOnly(true);
                case "restore" -> {
                    server.thaw();
                    if (!server.isRunning()) {
                        server.start();
                    }
                    DevPostgres.readOnly(false);
                }
                default -> {
                    reply(context, 404, "no fault named " + fault + "; there are stop, freeze, read-only, restore");
                    return;
                }
            }
        } catch (RuntimeException e) {
            reply(context, 409, fault + " failed: " + e.getMessage());
            return;
        }
        reply(context, 200, fault + " done");
    }

    private static void reply(RoutingContext context, int status, String text) {
        context.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8")
                .putHeader("Cache-Control", "no-store").end(text);
    }
}
