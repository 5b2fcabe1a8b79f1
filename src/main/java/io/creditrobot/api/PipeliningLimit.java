package io.creditrobot.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Puts {@link PipelinedRequests} on each API connection, on its first request. Neither Quarkus nor Vert.x 4.5 has a
 * server-side limit on pipelined HTTP/1.1 requests or a hook on a new connection's Netty pipeline, so the first route
 * of the main router does it: it runs on the event loop while the decoder is still handing over what the same socket
 * read holds, so no later request passes unbounded.
 */
@ApplicationScoped
public class PipeliningLimit {

    /** First of all routes: before authentication, whose first token check may continue on another thread. */
    static final int ORDER = Integer.MIN_VALUE + 1000;
    static final String HANDLER = "creditrobot-pipelined-requests";

    private final int limit;

    PipeliningLimit(@ConfigProperty(name = "creditrobot.http.max-pipelined-requests", defaultValue = "32") int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("creditrobot.http.max-pipelined-requests must be at least 1: " + limit);
        }
        this.limit = limit;
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::bound);
    }

    private void bound(RoutingContext context) {
        HttpConnection connection = context.request().connection();
        if (connection instanceof ConnectionBase base) {
            ChannelPipeline pipeline = base.channel().pipeline();
            if (pipeline.get(HANDLER) == null && pipeline.get("handler") != null) {
                pipeline.addBefore("handler", HANDLER, new PipelinedRequests(limit, 1));
            }
        }
        context.next();
    }
}
