package io.creditrobot.application;

import static io.creditrobot.testsupport.Tokens.asApplicant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.creditrobot.testsupport.LogCapture;
import io.creditrobot.testsupport.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * What the database says about a refused row never reaches the log as text: PostgreSQL's message and detail
 * ({@code Failing row contains (…)}) carry the applicant's name and e-mail. The log names the failure by structure:
 * exception classes, SQLSTATE, table, column and constraint.
 */
@QuarkusTest
class FailureLogTest {

    private static final String NAME = "Ada Secretname";
    private static final String EMAIL = "ada.secret@example.com";

    @Test
    void anUnforeseenConstraintViolationIs500AndItsLogLineHoldsNoValueTheClientSent() {
        String constraint = "trap_" + UUID.randomUUID().toString().replace("-", "");
        TestDatabase db = TestDatabase.current();
        db.execute("ALTER TABLE credit_application ADD CONSTRAINT " + constraint + " CHECK (applicant_name <> '"
                + NAME + "')");
        try (LogCapture logs = LogCapture.start()) {
            Response answer = submit();
            assertEquals(500, answer.statusCode(), answer.asString());
            assertFalse(answer.asString().contains(NAME), answer.asString());
            List<String> lines = logs.linesContaining("Unexpected failure");
            assertEquals(1, lines.size(), logs.lines().toString());
            assertTrue(lines.get(0).contains("SQLSTATE 23514") && lines.get(0).contains("constraint " + constraint)
                    && lines.get(0).contains("table credit_application"), lines.get(0));
            assertNoPersonalData(logs);
        } finally {
            db.execute("ALTER TABLE credit_application DROP CONSTRAINT " + constraint);
        }
    }

    /**
     * A rolling upgrade's next migration added a NOT NULL column without a default, which this version does not
     * fill: the schema is ahead of it, a refusal the client can wait out (503, Retry-After), never a 500.
     */
    @Test
    void aNotNullColumnThisVersionDoesNotFillIs503WithTheColumnNamedInTheLog() {
        String column = "added_" + UUID.randomUUID().toString().replace("-", "");
        TestDatabase db = TestDatabase.current();
        db.execute("ALTER TABLE credit_application ADD COLUMN " + column + " integer NOT NULL DEFAULT 0",
                "ALTER TABLE credit_application ALTER COLUMN " + column + " DROP DEFAULT");
        try (LogCapture logs = LogCapture.start()) {
            Response answer = submit();
            assertEquals(503, answer.statusCode(), answer.asString());
            assertEquals("5", answer.header("Retry-After"));
            List<String> lines = logs.linesContaining("not the one this version uses");
            assertEquals(1, lines.size(), logs.lines().toString());
            assertTrue(lines.get(0).contains("SQLSTATE 23502") && lines.get(0).contains("column " + column),
                    lines.get(0));
            assertEquals(List.of(), logs.linesContaining("Unexpected failure"));
            assertNoPersonalData(logs);
        } finally {
            db.execute("ALTER TABLE credit_application DROP COLUMN " + column);
        }
    }

    private static Response submit() {
        Map<String, Object> body = Map.of("applicantName", NAME, "email", EMAIL, "amount", 12000, "termMonths", 24,
                "annualIncome", 80000, "monthlyDebt", 0);
        return asApplicant().contentType(ContentType.JSON).body(body).post("/api/applications");
    }

    private static void assertNoPersonalData(LogCapture logs) {
        for (String line : logs.lines()) {
            assertFalse(line.contains(NAME) || line.contains("Secretname") || line.contains(EMAIL)
                    || line.contains("12000") || line.contains("Failing row"), "personal data in the log: " + line);
        }
    }
}
