package io.creditrobot.application;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.creditrobot.testsupport.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class DatabaseOutageApiTest {

    /** The bound for an answer while the database is down. */
    static final long OUTAGE_ANSWER_MS = 3000;

    @AfterEach
    void restartDatabase() {
        TestDatabase.current().start();
    }

    @Test
    void apiAnswers503WithRetryAfterWithinThreeSecondsWhileTheDatabaseIsStoppedThenRecovers() {
        TestDatabase db = TestDatabase.current();
        Map<String, Object> request = CreditApplicationResourceTest.body("Outage Applicant", 5000, 24, 80000, 0);
        given().get("/api/applications").then().statusCode(200);
        long before = db.queryForLong("SELECT count(*) FROM credit_application");

        db.stop();
        String key = UUID.randomUUID().toString();
        for (int i = 0; i < 3; i++) {
            given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(request)
                    .post("/api/applications")
                    .then().statusCode(503).time(lessThan(OUTAGE_ANSWER_MS))
                    .contentType(ContentType.JSON)
                    .header("Retry-After", equalTo("5"))
                    .body("message", containsString("database is unavailable"))
                    .body(not(containsString("Exception")));
            given().get("/api/applications")
                    .then().statusCode(503).time(lessThan(OUTAGE_ANSWER_MS));
        }

        db.start();
        await("the API serves again after the database is back").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(request)
                        .post("/api/applications").statusCode() == 201);
        given().get("/api/applications").then().statusCode(200);
        // Nothing half-written during the outage: exactly the one acknowledged application was added.
        await().atMost(Duration.ofSeconds(5))
                .until(() -> db.queryForLong("SELECT count(*) FROM credit_application") == before + 1);
    }
}
