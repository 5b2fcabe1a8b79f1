package io.creditrobot.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.creditrobot.dev.DevIssuer;
import io.creditrobot.testsupport.Http;
import io.creditrobot.testsupport.PackagedApp;
import io.creditrobot.testsupport.TestDatabase;
import io.creditrobot.testsupport.Tokens;

/**
 * The packaged jar started while its issuer is down: ready all the same (readiness never depends on the identity
 * provider); a request with a token it cannot verify yet is a 503 with Retry-After, never a 500 nor a 401; once the
 * issuer answers, the same instance verifies tokens, with nothing restarted.
 */
class IssuerOutageIT {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @Test
    void anIssuerDownAtStartIsARefusalToWaitOutAndItsReturnNeedsNoRestart() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String issuerUrl = "http://127.0.0.1:" + port;
        try (TestDatabase db = TestDatabase.create();
                PackagedApp app = PackagedApp.launch("issuer-outage", db,
                        Map.of("quarkus.oidc.auth-server-url", issuerUrl))) {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Http.get(app.managementUrl("/q/health/ready")).status() == 200);

            HttpResponse<String> anonymous = get(app, null);
            assertEquals(401, anonymous.statusCode(), anonymous.body());
            // Any well-formed token: this instance has no keys to check it against.
            HttpResponse<String> unverifiable = get(app, Tokens.token(Tokens.ALICE, "applicant"));
            assertEquals(503, unverifiable.statusCode(), unverifiable.body());
            assertNotNull(unverifiable.headers().firstValue("Retry-After").orElse(null), "Retry-After");
            assertEquals(200, Http.get(app.managementUrl("/q/health/ready")).status(), "readiness ignores the issuer");

            try (DevIssuer back = DevIssuer.start(port)) {
                String token = back.token(Tokens.ALICE, "applicant");
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                        .until(() -> get(app, token).statusCode() == 200);
                assertEquals(true, app.isAlive(), "the same instance, not restarted");
            }
        }
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
