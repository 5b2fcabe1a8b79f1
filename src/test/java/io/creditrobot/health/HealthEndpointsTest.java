package io.creditrobot.health;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.creditrobot.testsupport.HealthSchema;
import io.creditrobot.testsupport.ManagementPortResource;
import io.creditrobot.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class HealthEndpointsTest {

    static String url(String path) {
        return ManagementPortResource.url(path);
    }

    /** Every check UP: readiness, and the identity provider's first answer (wellness, fetched right after start). */
    @BeforeEach
    void waitUntilEveryCheckIsUp() {
        await("every check UP").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> Tokens.asOperator().get(url("/q/health")).statusCode() == 200);
    }

    @Test
    void everyHealthEndpointIsUpWithOurChecksAndConformsToTheMicroProfileSchema() {
        for (String path : List.of("/q/health/live", "/q/health/ready", "/q/health/started", "/q/health/well",
                "/q/health")) {
            String body = Tokens.asOperator().get(url(path)).then().statusCode(200).body("status", equalTo("UP"))
                    .extract().asString();
            assertEquals(List.of(), List.copyOf(HealthSchema.violations(body)), path + " conforms: " + body);
        }
        given().get(url("/q/health/live")).then().body("checks.name", hasItems("deadlocks"));
        given().get(url("/q/health/ready")).then().body("checks.name", hasItems("database", "schema", "shutdown"));
        given().get(url("/q/health/started")).then().body("checks.name", hasItems("startup"));
        Tokens.asOperator().get(url("/q/health/well")).then().body("checks.name", hasItems("pool", "database-latency",
                "writes", "listing", "identity-provider"));
    }

    /** Once ready, the startup check tells every phase of the start, in the order they happen. */
    @Test
    void theStartupCheckTellsThePhasesOfTheStart() {
        io.restassured.path.json.JsonPath data = given().get(url("/q/health/started")).then().statusCode(200).extract()
                .jsonPath().setRootPath("checks.find { it.name == 'startup' }.data");
        Instant jvm = Instant.parse(data.getString("jvmStartedAt"));
        assertTrue(jvm.isBefore(Instant.now()), data.prettify());
        long quarkus = data.getLong("quarkusStartedMs");
        long database = data.getLong("databaseFirstAnswerMs");
        long schema = data.getLong("schemaMigratedMs");
        long ready = data.getLong("readyMs");
        assertTrue(0 < quarkus && quarkus <= database && database <= ready && schema <= ready,
                "JVM -> Quarkus " + quarkus + " -> database " + database + ", schema " + schema + " -> ready " + ready);
    }

    @Test
    void databaseCheckReportsItsMeasurementsAndTheBuiltInChecksAreReplaced() {
        String body = given().get(url("/q/health/ready")).then().statusCode(200)
                .body("checks.find { it.name == 'database' }.data.consecutiveFailures", equalTo(0))
                .body("checks.find { it.name == 'schema' }.data.version", nullValue())
                .extract().asString();
        for (String field : List.of("roundTripMs", "inFlightMs", "checkedAt", "ageMs", "validations")) {
            assertTrue(body.contains("\"" + field + "\""), field + " in " + body);
        }
        // Quarkus' own datasource and graceful-shutdown checks are off: `database` and `shutdown` replace them.
        Tokens.asOperator().get(url("/q/health")).then().statusCode(200)
                .body(not(containsString("Database connections health check")))
                .body(not(containsString("Graceful Shutdown")));
    }

    @Test
    void healthLivesOnTheManagementPortAndTheMainPortAnswersLivenessAtSlashHealth() {
        given().get("/q/health/ready").then().statusCode(404);
        String body = given().get("/health").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItems("deadlocks")).extract().asString();
        assertEquals(List.of(), List.copyOf(HealthSchema.violations(body)));
    }

    @Test
    void metricsShowAGaugePerCheckTheValidationTimerHttpAndPoolMetrics() {
        Tokens.asOperator().get(url("/q/health")).then().statusCode(200);
        Tokens.asApplicant().get("/api/applications").then().statusCode(200);
        Tokens.asOperator().get(url("/q/metrics")).then().statusCode(200)
                .body(containsString("creditrobot_health_check_up{check=\"database\"} 1.0"))
                .body(containsString("creditrobot_health_check_up{check=\"deadlocks\"} 1.0"))
                .body(containsString("creditrobot_health_database_validation_seconds_count"))
                .body(containsString("agroal_active_count"))
                .body(containsString("agroal_awaiting_count"))
                .body(containsString("http_server_requests_seconds_count{"))
                .body(containsString("uri=\"/api/applications\""));
    }
}
