package io.creditrobot.application;

import static io.creditrobot.testsupport.Tokens.asApplicant;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.creditrobot.testsupport.RestoresTestDatabase;
import io.creditrobot.testsupport.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.creditrobot.testsupport.Slack;

@ExtendWith(RestoresTestDatabase.class)
@QuarkusTest
class DatabaseOutageApiTest {

    /** The bound for an answer while the database is down. */
    static final long OUTAGE_ANSWER_MS = 3000;

    @Test
    void apiAnswers503WithRetryAfterWithinThreeSecondsWhileTheDatabaseIsStoppedThenRecovers() {
        TestDatabase db = TestDatabase.current();
        Map<String, Object> request = CreditApplicationResourceTest.body("Outage Applicant", 5000, 24, 80000, 0);
        asApplicant().get("/api/applications").then().statusCode(200);
        long before = db.queryForLong("SELECT count(*) FROM credit_application");

        db.stop();
        String key = UUID.randomUUID().toString();
        for (int i = 0; i < 3; i++) {
            asApplicant().contentType(ContentType.JSON).header("Idempotency-Key", key).body(request)
                    .post("/api/applications")
                    .then().statusCode(503).time(lessThan(OUTAGE_ANSWER_MS))
                    .contentType(ContentType.JSON)
                    .header("Retry-After", equalTo("5"))
                    .body("message", containsString("database is unavailable"))
                    .body(not(containsString("Exception")));
            asApplicant().get("/api/applications")
                    .then().statusCode(503).time(lessThan(OUTAGE_ANSWER_MS));
        }

        db.start();
        await("the API serves again after the database is back").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> asApplicant().contentType(ContentType.JSON).header("Idempotency-Key", key).body(request)
                        .post("/api/applications").statusCode() == 201);
        asApplicant().get("/api/applications").then().statusCode(200);
        // Nothing half-written during the outage: exactly the one acknowledged application was added.
        await().atMost(Duration.ofMillis(Slack.millis(3000)))
                .until(() -> db.queryForLong("SELECT count(*) FROM credit_application") == before + 1);
    }

    /**
     * The connection is lost during COMMIT, after the INSERT was answered: a deferred constraint trigger terminates
     * its own backend when the transaction commits. The answer must not claim that nothing was stored; a retry with
     * the same key is safe and stores exactly one row.
     */
    @Test
    void aConnectionLostDuringCommitAnswers503OutcomeUnknownAndARetryWithTheSameKeyStoresOnce() {
        TestDatabase db = TestDatabase.current();
        db.execute("""
                CREATE FUNCTION test_lose_connection_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.applicant_name = 'Commit Lost' THEN
                        PERFORM pg_terminate_backend(pg_backend_pid());
                    END IF;
                    RETURN NULL;
                END $$""",
                "CREATE CONSTRAINT TRIGGER test_lose_connection_at_commit AFTER INSERT ON credit_application "
                        + "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_lose_connection_at_commit()");
        String key = UUID.randomUUID().toString();
        Map<String, Object> request = CreditApplicationResourceTest.body("Commit Lost", 5000, 24, 80000, 0);
        try {
            asApplicant().contentType(ContentType.JSON).header("Idempotency-Key", key).body(request)
                    .post("/api/applications")
                    .then().statusCode(503)
                    .header("Retry-After", equalTo("5"))
                    .body("message", containsString("outcome is unknown"))
                    .body("message", containsString("same Idempotency-Key"))
                    .body("message", not(containsString("nothing was stored")));
        } finally {
            db.execute("DROP TRIGGER test_lose_connection_at_commit ON credit_application",
                    "DROP FUNCTION test_lose_connection_at_commit()");
        }
        await("the retry stores it once").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> asApplicant().contentType(ContentType.JSON).header("Idempotency-Key", key).body(request)
                        .post("/api/applications").statusCode() == 201);
        org.junit.jupiter.api.Assertions.assertEquals(1, db.queryForLong(
                "SELECT count(*) FROM credit_application WHERE idempotency_key = '" + key + "'"));
    }
}
