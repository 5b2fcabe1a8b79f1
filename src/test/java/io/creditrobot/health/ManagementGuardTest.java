package io.creditrobot.health;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.creditrobot.testsupport.LogCapture;
import io.creditrobot.testsupport.ManagementPortResource;
import io.creditrobot.testsupport.Slack;
import io.creditrobot.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * What the management port refuses before it looks at a password: a guesser after
 * {@code creditrobot.management.auth-failures.limit} failures (429 for the lockout, even with the right password;
 * probes still answer; one log line, never the guess), and any method but GET and HEAD on health paths (405).
 */
@QuarkusTest
class ManagementGuardTest {

    private static final String GUESS = "guess-NeverLogMe-";

    @Test
    void repeatedFailedBasicAuthIsLockedOutForAWhileLoggedOnceAndCounted() {
        int limit = ConfigProvider.getConfig().getValue("creditrobot.management.auth-failures.limit", Integer.class);
        Duration lockout = ConfigProvider.getConfig().getValue("creditrobot.management.auth-failures.lockout",
                Duration.class);
        String metrics = ManagementPortResource.url("/q/metrics");
        double before = failuresCounted(metrics);
        try (LogCapture logs = LogCapture.start()) {
            for (int i = 0; i < limit; i++) {
                assertEquals(401, given().auth().preemptive().basic(Tokens.OPERATOR, GUESS + i).get(metrics)
                        .statusCode(), "guess " + i);
            }
            Response locked = Tokens.asOperator().get(metrics);
            assertEquals(429, locked.statusCode(), "the right password while locked out: " + locked.asString());
            assertTrue(Long.parseLong(locked.header("Retry-After")) >= 1, locked.header("Retry-After"));
            for (String probe : List.of("/q/health/live", "/q/health/ready", "/q/health/started")) {
                assertEquals(200, Tokens.asOperator().get(ManagementPortResource.url(probe)).statusCode(), probe);
            }
            List<String> lines = logs.linesContaining("failed basic authentications from one client");
            assertEquals(1, lines.size(), logs.lines().toString());
            assertFalse(logs.lines().stream().anyMatch(l -> l.contains(GUESS) || l.contains("127.0.0.1")),
                    "a guess or the client's address in the log: " + logs.lines());
        }
        await("the lockout ends").atMost(lockout.plus(Slack.slack())).pollInterval(Duration.ofMillis(200))
                .until(() -> Tokens.asOperator().get(metrics).statusCode() == 200);
        assertEquals(before + limit, failuresCounted(metrics), "every failure counted");
    }

    @Test
    void healthAnswersGetAndHeadOnlyAndEveryOtherMethodIs405WithAllow() {
        for (String path : List.of("/q/health/live", "/q/health/ready", "/q/health/started", "/q/health")) {
            for (String method : List.of("DELETE", "TRACE", "PUT", "POST", "PATCH")) {
                Response answer = given().request(method, ManagementPortResource.url(path));
                assertEquals(405, answer.statusCode(), method + " " + path);
                assertEquals("GET, HEAD", answer.header("Allow"), method + " " + path);
            }
            assertEquals(200, given().head(ManagementPortResource.url("/q/health/live")).statusCode());
        }
    }

    private static double failuresCounted(String metrics) {
        return Tokens.asOperator().get(metrics).asString().lines()
                .filter(l -> l.startsWith("creditrobot_management_auth_failures_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(0);
    }
}
