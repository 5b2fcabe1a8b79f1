package io.creditrobot.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.creditrobot.dev.DevIssuer;
import io.creditrobot.testsupport.HealthSchema;
import io.creditrobot.testsupport.Http;
import io.creditrobot.testsupport.PackagedApp;
import io.creditrobot.testsupport.Slack;
import io.creditrobot.testsupport.TestDatabase;
import io.creditrobot.testsupport.Tokens;

/**
 * The packaged jar started while its issuer is down: ready all the same (readiness never depends on the identity
 * provider), with the outage visible in wellness ({@code identity-provider} DOWN {@code unreachable}); a request with a token it cannot verify yet is a 503 with Retry-After, never a 500 nor a 401; once the
 * issuer answers, the same instance verifies tokens, with nothing restarted, and wellness and the log say it is back.
 */
class IssuerOutageIT {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    /** The issuer is fetched this often here, with this timeout (1 s and 500 ms; defaults 10 s and 2 s). */
    static final long IDP_INTERVAL_MS = 1000;
    static final long IDP_TIMEOUT_MS = 500;
    /** The health watcher's interval (its default). */
    static final long WATCH_INTERVAL_MS = 1000;

    @Test
    void anIssuerDownAtStartIsARefusalToWaitOutAndItsReturnNeedsNoRestart() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String issuerUrl = "http://127.0.0.1:" + port;
        try (TestDatabase db = TestDatabase.create();
                PackagedApp app = PackagedApp.launch("issuer-outage", db,
                        Map.of("quarkus.oidc.auth-server-url", issuerUrl,
                                "creditrobot.health.identity-provider.interval", IDP_INTERVAL_MS + "ms",
                                "creditrobot.health.identity-provider.timeout", IDP_TIMEOUT_MS + "ms"))) {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Http.get(app.managementUrl("/q/health/ready")).status() == 200);

            HttpResponse<String> anonymous = get(app, null);
            assertEquals(401, anonymous.statusCode(), anonymous.body());
            // Any well-formed token: this instance has no keys to check it against.
            HttpResponse<String> unverifiable = get(app, Tokens.token(Tokens.ALICE, "applicant"));
            assertEquals(503, unverifiable.statusCode(), unverifiable.body());
            assertNotNull(unverifiable.headers().firstValue("Retry-After").orElse(null), "Retry-After");
            assertEquals(200, Http.get(app.managementUrl("/q/health/ready")).status(), "readiness ignores the issuer");
            JsonNode down = identityProvider(app);
            assertEquals("DOWN", down.path("status").asText(), down.toString());
            assertEquals("unreachable", down.path("data").path("reason").asText(), down.toString());
            assertFalse(down.toString().contains(String.valueOf(port)), "the check never names the issuer: " + down);

            try (DevIssuer back = DevIssuer.start(port)) {
                String token = back.token(Tokens.ALICE, "applicant");
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                        .until(() -> get(app, token).statusCode() == 200);
                assertEquals(true, app.isAlive(), "the same instance, not restarted");
                await("identity-provider UP").atMost(Duration.ofMillis(Slack.millis(IDP_INTERVAL_MS + IDP_TIMEOUT_MS)))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> "UP".equals(identityProvider(app).path("status").asText()));
                await("the watcher logged the return").atMost(Duration.ofMillis(Slack.millis(WATCH_INTERVAL_MS)))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> app.log().contains("Health check 'identity-provider' DOWN -> UP"));
                assertTrue(app.log().contains("Health check 'identity-provider' START -> DOWN"), "the outage was "
                        + "logged when the watcher first saw it");
            }
        }
    }

    /** The {@code identity-provider} wellness check, from the parsed {@code /q/health/well} (as the operator). */
    private static JsonNode identityProvider(PackagedApp app) {
        return HealthSchema.check(Http.get(app.managementUrl("/q/health/well")).body(), "identity-provider");
    }

    private static HttpResponse<String> get(PackagedApp app, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.url("/api/applications")))
                .timeout(Duration.ofSeconds(20));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
