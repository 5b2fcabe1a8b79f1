package io.creditrobot.health;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.creditrobot.testsupport.ManagementPortResource;
import io.creditrobot.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The management port: the three probe paths answer anyone (kubelet and Docker cannot authenticate), everything else
 * only the operator: basic auth (Prometheus, a browser), or a bearer token whose roles include {@code operator}. An
 * applicant's token is authenticated but not allowed (403). Nothing an unauthenticated caller gets names a version.
 */
@QuarkusTest
class ManagementAuthTest {

    static final List<String> PROTECTED = List.of("/q/metrics", "/q/openapi", "/q/swagger-ui/", "/q/health-ui/",
            "/q/health", "/q/health/well", "/q/health/history", "/q/health/timeline", "/q/health/group/anything");
    static final List<String> PROBES = List.of("/q/health/live", "/q/health/ready", "/q/health/started");
    private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+");

    /** Readiness follows the first database validation: a native executable starts well before that (issue 23). */
    @BeforeEach
    void waitUntilReady() {
        await("ready").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> given().get(ManagementPortResource.url("/q/health/ready")).statusCode() == 200);
    }

    @Test
    void everyOperationsPathNeedsTheOperatorsCredentials() {
        for (String path : PROTECTED) {
            Response anonymous = given().get(ManagementPortResource.url(path));
            assertEquals(401, anonymous.statusCode(), path);
            assertTrue(anonymous.header("WWW-Authenticate").toLowerCase().startsWith("basic"), path + ": "
                    + anonymous.header("WWW-Authenticate"));
            assertNoVersion(path, anonymous);
            assertNoHostOrUser(path, anonymous.asString());

            Response wrong = given().auth().preemptive().basic(Tokens.OPERATOR, "not-the-password")
                    .get(ManagementPortResource.url(path));
            assertEquals(401, wrong.statusCode(), path + " with a wrong password");
            Response applicant = given().header("Authorization", Tokens.bearer()).get(ManagementPortResource.url(path));
            assertEquals(403, applicant.statusCode(), path + " with an applicant's bearer token");

            int expected = path.endsWith("anything") ? 404 : 200;
            assertEquals(expected, Tokens.asOperator().get(ManagementPortResource.url(path)).statusCode(), path);
            assertEquals(expected, given().header("Authorization", "Bearer " + Tokens.token("oscar", "operator"))
                    .get(ManagementPortResource.url(path)).statusCode(), path + " with an operator's bearer token");
        }
    }

    @Test
    void probesAnswerAnyoneAndIgnoreAStrayAuthorizationHeader() {
        for (String path : PROBES) {
            Response anonymous = given().get(ManagementPortResource.url(path));
            assertEquals(200, anonymous.statusCode(), path);
            assertNoVersion(path, anonymous);
            assertNoHostOrUser(path, anonymous.asString());
            assertEquals(200, given().header("Authorization", "Basic bm9ib2R5Om5vdGhpbmc=")
                    .get(ManagementPortResource.url(path)).statusCode(), path + " with wrong credentials");
        }
    }

    /** The evidence in a probe's data names no host, no database, no user and no issuer (docs/security.md). */
    private static void assertNoHostOrUser(String path, String body) {
        Config config = ConfigProvider.getConfig();
        for (String secretish : List.of("127.0.0.1", "localhost", "jdbc:", "http://",
                config.getValue("quarkus.datasource.username", String.class),
                config.getValue("quarkus.oidc.auth-server-url", String.class))) {
            assertFalse(body.contains(secretish), path + " names '" + secretish + "': " + body);
        }
    }

    /** No version of anything: no dotted number (a JDK's, Quarkus', SmallRye's) in the headers or the body. */
    private static void assertNoVersion(String path, Response answer) {
        String everything = answer.getHeaders().toString() + answer.asString();
        assertFalse(VERSION.matcher(everything).find(), path + " tells an unauthenticated caller a version: "
                + everything);
        assertFalse(everything.contains(System.getProperty("java.version")), path + ": " + everything);
    }
}
