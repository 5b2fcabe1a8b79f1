package io.creditrobot.application;

import static io.creditrobot.testsupport.Tokens.asApplicant;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.creditrobot.testsupport.TestDatabase;
import io.creditrobot.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class CreditApplicationResourceTest {

    static Map<String, Object> body(String name, Object amount, Object term, Object income, Object debt) {
        return Map.of("applicantName", name, "email", "applicant@example.com", "amount", amount,
                "termMonths", term, "annualIncome", income, "monthlyDebt", debt);
    }

    static long rows() {
        return TestDatabase.current().queryForLong("SELECT count(*) FROM credit_application");
    }

    @Test
    void submitsDecidesStoresAndAnswersCreatedWithLocation() {
        io.restassured.response.ExtractableResponse<io.restassured.response.Response> created = asApplicant().contentType(ContentType.JSON).body(body("Grace Hopper", 10000, 36, 60000, 500))
                .when().post("/api/applications")
                .then().statusCode(201)
                .header("Location", containsString("/api/applications/"))
                .body("id", notNullValue())
                .body("decision", equalTo("APPROVED"))
                .body("score", notNullValue())
                .body("reasons", hasSize(1))
                .body("monthlyInstallment", equalTo(317.53f))
                .body("applicantName", equalTo("Grace Hopper"))
                .extract();
        String location = created.header("Location");
        String id = location.substring(location.lastIndexOf('/') + 1);

        Map<String, Object> stored = asApplicant().when().get(location)
                .then().statusCode(200)
                .body("id", equalTo(id))
                .body("decision", equalTo("APPROVED"))
                .body("amount", equalTo(10000.0f))
                .extract().as(Map.class);
        assertEquals(stored, created.as(Map.class), "the 201 answer is the stored record");
        assertEquals(1, TestDatabase.current()
                .queryForLong("SELECT count(*) FROM credit_application WHERE id = '" + id + "'"));
    }

    @Test
    void eachDecisionOutcomeIsReachedThroughTheApi() {
        asApplicant().contentType(ContentType.JSON).body(body("Approved Applicant", 5000, 24, 80000, 0))
                .post("/api/applications").then().statusCode(201).body("decision", equalTo("APPROVED"));
        asApplicant().contentType(ContentType.JSON).body(body("Referred Applicant", 60000, 120, 200000, 0))
                .post("/api/applications").then().statusCode(201).body("decision", equalTo("REFERRED"))
                .body("reasons[0]", containsString("automatic-approval limit"));
        asApplicant().contentType(ContentType.JSON).body(body("Declined Applicant", 10000, 12, 30000, 1000))
                .post("/api/applications").then().statusCode(201).body("decision", equalTo("DECLINED"))
                .body("reasons[0]", containsString("Debt-to-income"));
    }

    @Test
    void invalidInputIsRejectedNamingEachFieldAndNothingIsStored() {
        long before = rows();
        asApplicant().contentType(ContentType.JSON)
                .body(Map.of("applicantName", " ", "email", "not-an-email", "amount", -5, "termMonths", 1000,
                        "annualIncome", 0))
                .when().post("/api/applications")
                .then().statusCode(400)
                .contentType(ContentType.JSON)
                .body("status", equalTo(400))
                .body("message", containsString("Invalid input"))
                .body("violations.field", hasItems("applicantName", "email", "amount", "termMonths",
                        "annualIncome", "monthlyDebt"))
                .body("violations.message", everyItem(notNullValue()))
                .body(not(containsString("Exception")));
        assertEquals(before, rows());
    }

    @Test
    void malformedJsonAndWrongTypesAreCleanBadRequests() {
        long before = rows();
        asApplicant().contentType(ContentType.JSON).body("{\"applicantName\": \"x\", ")
                .post("/api/applications")
                .then().statusCode(400).contentType(ContentType.JSON).body("status", equalTo(400))
                .body(not(containsString("Exception")));
        asApplicant().contentType(ContentType.JSON).body(body("Typed Wrong", "lots", 36, 60000, 0))
                .post("/api/applications")
                .then().statusCode(400).contentType(ContentType.JSON).body("violations[0].field", equalTo("amount"));
        asApplicant().contentType(ContentType.JSON).post("/api/applications")
                .then().statusCode(400).contentType(ContentType.JSON).body("violations[0].field", equalTo("body"));
        assertEquals(before, rows());
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyReturnsTheOriginalAndCreatesNothing() {
        String key = UUID.randomUUID().toString();
        Map<String, Object> request = body("Retrying Client", 8000, 24, 50000, 200);
        String first = asApplicant().contentType(ContentType.JSON).header("Idempotency-Key", key).body(request)
                .post("/api/applications").then().statusCode(201).header("Idempotent-Replayed", nullValue())
                .extract().path("id");
        String second = asApplicant().contentType(ContentType.JSON).header("Idempotency-Key", key).body(request)
                .post("/api/applications").then().statusCode(201).header("Idempotent-Replayed", equalTo("true"))
                .header("Location", endsWith(first))
                .extract().path("id");
        assertEquals(first, second);
        assertEquals(1, TestDatabase.current()
                .queryForLong("SELECT count(*) FROM credit_application WHERE idempotency_key = '" + key + "'"));
    }

    /**
     * Forces the race the unique constraint settles: a table lock (EXCLUSIVE: reads pass, inserts wait) holds every
     * retry after its "already stored?" read and before its INSERT (released well within the 2 s lock_timeout);
     * released, one INSERT wins and the others take the unique-violation path, which the counter proves ran.
     */
    @Test
    void concurrentRetriesWithOneKeyStoreExactlyOneApplicationThroughTheUniqueConstraint() throws Exception {
        String key = UUID.randomUUID().toString();
        Map<String, Object> request = body("Impatient Client", 7000, 24, 50000, 100);
        int retries = 4;
        double racesBefore = concurrentRetriesCounter();
        ExecutorService pool = Executors.newFixedThreadPool(retries);
        TestDatabase db = TestDatabase.current();
        try (java.sql.Connection lock = java.sql.DriverManager.getConnection(db.jdbcUrl(), TestDatabase.USER,
                db.password()); java.sql.Statement s = lock.createStatement()) {
            lock.setAutoCommit(false);
            s.execute("LOCK TABLE credit_application IN EXCLUSIVE MODE");
            List<Future<io.restassured.response.Response>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < retries; i++) {
                answers.add(pool.submit(() -> asApplicant().contentType(ContentType.JSON).header("Idempotency-Key", key)
                        .body(request).post("/api/applications")));
            }
            // Every retry waits at its INSERT, after its "already stored?" read.
            org.awaitility.Awaitility.await("every retry waits at its INSERT").atMost(java.time.Duration.ofSeconds(20))
                    .until(() -> db.queryForLong("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = "
                            + "'Lock' AND query ILIKE 'insert into credit_application%'") == retries);
            lock.commit();

            String id = null;
            int replayed = 0;
            for (Future<io.restassured.response.Response> answer : answers) {
                io.restassured.response.Response response = answer.get(30, TimeUnit.SECONDS);
                assertEquals(201, response.statusCode(), response.asString());
                id = id == null ? response.path("id") : id;
                assertEquals(id, response.path("id"), "every retry answers with the one stored application");
                replayed += "true".equals(response.header("Idempotent-Replayed")) ? 1 : 0;
            }
            assertEquals(retries - 1, replayed, "all but the winner were replays");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, db.queryForLong("SELECT count(*) FROM credit_application WHERE idempotency_key = '" + key + "'"));
        assertEquals(racesBefore + retries - 1, concurrentRetriesCounter(), "the unique-violation path ran");
    }

    private static double concurrentRetriesCounter() {
        String metrics = io.creditrobot.testsupport.Tokens.asOperator()
                .get(io.creditrobot.testsupport.ManagementPortResource.url("/q/metrics")).asString();
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("creditrobot_idempotency_concurrent_retries_total(?:\\{[^}]*})? ([0-9.Ee+-]+)").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void reusingAKeyForADifferentRequestIsAConflict() {
        String key = UUID.randomUUID().toString();
        asApplicant().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body("First", 1000, 12, 50000, 0))
                .post("/api/applications").then().statusCode(201);
        asApplicant().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body("Second", 2000, 12, 50000, 0))
                .post("/api/applications")
                .then().statusCode(409).body("message", containsString("Idempotency-Key"));
    }

    @Test
    void anUnusableIdempotencyKeyIsRejected() {
        asApplicant().contentType(ContentType.JSON).header("Idempotency-Key", "x".repeat(300))
                .body(body("Long Key", 1000, 12, 50000, 0))
                .post("/api/applications")
                .then().statusCode(400).body("violations[0].field", equalTo("Idempotency-Key"));
    }

    @Test
    void anUnknownIdIsJsonNotFoundAndAMalformedOneIsABadRequest() {
        asApplicant().get("/api/applications/" + UUID.randomUUID())
                .then().statusCode(404).contentType(ContentType.JSON).body("status", equalTo(404))
                .body("message", containsString("No credit application"));
        asApplicant().get("/api/applications/not-a-uuid")
                .then().statusCode(400).contentType(ContentType.JSON).body("violations[0].field", equalTo("id"));
    }

    @Test
    void listingIsNewestFirstFilteredAndPaged() {
        for (int i = 0; i < 3; i++) {
            asApplicant().contentType(ContentType.JSON).body(body("Lister " + i, 60000, 120, 200000, 0))
                    .post("/api/applications").then().statusCode(201);
        }
        List<String> created = asApplicant().queryParam("decision", "REFERRED").queryParam("size", 3)
                .get("/api/applications")
                .then().statusCode(200)
                .body("items", hasSize(3))
                .body("items.decision", everyItem(equalTo("REFERRED")))
                .body("page", equalTo(0)).body("size", equalTo(3))
                .extract().path("items.createdAt");
        // Newest first in the order the database stored them; their database timestamps agree.
        for (int i = 1; i < created.size(); i++) {
            assertTrue(!OffsetDateTime.parse(created.get(i)).isAfter(OffsetDateTime.parse(created.get(i - 1))),
                    "newest first: " + created);
        }
        long total = ((Number) asApplicant().queryParam("decision", "REFERRED").get("/api/applications")
                .then().extract().path("total")).longValue();
        assertEquals(TestDatabase.current()
                .queryForLong("SELECT count(*) FROM credit_application WHERE decision = 'REFERRED'"), total);
    }

    /**
     * A listing's total is counted up to {@link CreditApplicationService#TOTAL_LIMIT}: an owner holding more (one owner
     * with most of the table, issue 35) gets that many and {@code totalExact: false}, another owner beside it the
     * exact count; both pages list the newest first.
     */
    @Test
    void theTotalIsCountedUpToItsLimitAndSaysWhetherItIsExact() {
        TestDatabase db = TestDatabase.current();
        String whale = "whale-" + UUID.randomUUID();
        String minnow = "minnow-" + UUID.randomUUID();
        long rows = CreditApplicationService.TOTAL_LIMIT + 50;
        db.execute("INSERT INTO credit_application (id, request_hash, applicant_name, email, amount, term_months, "
                + "annual_income, monthly_debt, decision, score, reasons, monthly_installment, debt_to_income, owner) "
                + "SELECT gen_random_uuid(), repeat('0', 64), 'Whale ' || i, 'whale@example.com', 1000, 12, 50000, 0, "
                + "'REFERRED', 50, ARRAY[]::text[], 90, 0.02, '" + whale + "' FROM generate_series(1, " + rows + ") i");
        try {
            for (int i = 0; i < 3; i++) {
                given().header("Authorization", "Bearer " + Tokens.token(minnow, "applicant"))
                        .contentType(ContentType.JSON).body(body("Minnow " + i, 5000, 24, 80000, 0)).post("/api/applications")
                        .then().statusCode(201);
            }
            given().header("Authorization", "Bearer " + Tokens.token(whale, "applicant")).get("/api/applications")
                    .then().statusCode(200).body("total", equalTo((int) CreditApplicationService.TOTAL_LIMIT))
                    .body("totalExact", equalTo(false)).body("items", hasSize(20))
                    .body("items[0].applicantName", equalTo("Whale " + rows));
            given().header("Authorization", "Bearer " + Tokens.token(minnow, "applicant")).get("/api/applications")
                    .then().statusCode(200).body("total", equalTo(3)).body("totalExact", equalTo(true))
                    .body("items.applicantName", equalTo(List.of("Minnow 2", "Minnow 1", "Minnow 0")));
        } finally {
            db.execute("DELETE FROM credit_application WHERE owner IN ('" + whale + "', '" + minnow + "')");
        }
    }

    @Test
    void pageSizeIsCappedAndBadPagingIsRejected() {
        asApplicant().queryParam("size", 1000).get("/api/applications")
                .then().statusCode(200).body("size", equalTo(100));
        asApplicant().queryParam("size", 0).get("/api/applications")
                .then().statusCode(400).body("violations[0].field", equalTo("size"));
        asApplicant().queryParam("page", -1).get("/api/applications")
                .then().statusCode(400).body("violations[0].field", equalTo("page"));
        asApplicant().queryParam("decision", "MAYBE").get("/api/applications")
                .then().statusCode(400).body("violations[0].field", equalTo("decision"));
        asApplicant().queryParam("page", 100000).get("/api/applications")
                .then().statusCode(200).body("items", hasSize(0));
    }
}
