package io.creditrobot.api;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.servers.Server;

import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Each operation names the port that serves it, as configured when the service starts: the API (and {@code GET
 * /health}) on {@code quarkus.http.port}, the health endpoints on {@code quarkus.management.port}. The document is
 * served on the management port, so without this Swagger UI's "Try it out" would send API calls there (404). The
 * host is a server variable (default {@code localhost}) that Swagger UI lets a reader change.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_STARTUP)
public class ApiServers implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        Config config = ConfigProvider.getConfig();
        int api = port(config, "quarkus.http.port", 8080);
        int management = port(config, "quarkus.management.port", 9000);
        for (Map.Entry<String, PathItem> path : openAPI.getPaths().getPathItems().entrySet()) {
            boolean health = path.getKey().startsWith("/q/health");
            path.getValue().setServers(List.of(server(health ? management : api,
                    health ? "The management port (health)" : "The API port")));
        }
    }

    private static int port(Config config, String key, int fallback) {
        int port = config.getOptionalValue(key, Integer.class).orElse(fallback);
        return port > 0 ? port : fallback; // 0 picks a free port at start (tests): no fixed number to name
    }

    private static Server server(int port, String description) {
        return OASFactory.createServer().url("http://{host}:" + port).description(description)
                .variables(Map.of("host", OASFactory.createServerVariable().defaultValue("localhost")
                        .description("Where CreditRobot runs")));
    }
}
