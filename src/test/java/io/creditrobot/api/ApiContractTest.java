package io.creditrobot.api;

import static io.creditrobot.testsupport.Tokens.asOperator;
import static io.creditrobot.testsupport.Tokens.asApplicant;
import static io.creditrobot.testsupport.Tokens.asOfficer;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.creditrobot.testsupport.ManagementPortResource;
import io.creditrobot.testsupport.RawHttp;
import io.creditrobot.testsupport.Tokens;
import io.creditrobot.testsupport.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

/**
 * The API's contract under input nobody planned for: each finding of the contract review, answered with the exact
 * status and a JSON body that names what is wrong, and nothing stored by a refused request.
 */
@QuarkusTest
class ApiContractTest {

    static final String VALID = "{\"applicantName\":\"%s\",\"email\":\"contract@example.com\",\"amount\":5000,"
            + "\"termMonths\":24,\"annualIncome\":80000,\"monthlyDebt\":0}";

    private final TestDatabase db = TestDatabase.current();

    private long rowsNamed(String name) {
        return db.queryForLong("SELECT count(*) FROM credit_application WHERE applicant_name = '" + name + "'");
    }

    @Test
    void aValidApplicationWithAHugeDebtToIncomeIsStoredAndDeclined() {
        String id = asApplicant().contentType(ContentType.JSON).body("{\"applicantName\":\"Deep Debt\",\"email\":"
                + "\"debt@example.com\",\"amount\":1000,\"termMonths\":12,\"annualIncome\":10000,"
                + "\"monthlyDebt\":10000000}")
                .post("/api/applications").then().statusCode(201).body("decision", equalTo("DECLINED"))
                .extract().path("id");
        asApplicant().get("/api/applications/" + id).then().statusCode(200)
                .body("debtToIncome", greaterThan(10000f)); // 1 200 000 %: over numeric(8, 4)'s 9999.9999
        // The extreme a valid request can reach: the smallest income with the largest debt and installment.
        asApplicant().contentType(ContentType.JSON).body("{\"applicantName\":\"Extreme Debt\",\"email\":\"x@example.com\","
                + "\"amount\":1000000,\"termMonths\":6,\"annualIncome\":0.01,\"monthlyDebt\":10000000}")
                .post("/api/applications").then().statusCode(201).body("decision", equalTo("DECLINED"));
    }

    @Test
    void controlCharactersInTextAreRefusedNamingTheField() {
        asApplicant().contentType(ContentType.JSON).body(VALID.formatted("A\\u0000B"))
                .post("/api/applications").then().statusCode(400).contentType(ContentType.JSON)
                .body("violations.field", hasItem("applicantName"));
        asApplicant().contentType(ContentType.JSON).body(VALID.formatted("Tab\\tName"))
                .post("/api/applications").then().statusCode(400).body("violations.field", hasItem("applicantName"));
        asApplicant().contentType(ContentType.JSON).body(VALID.formatted("\\u2003"))
                .post("/api/applications").then().statusCode(400).body("violations.field", hasItem("applicantName"));
        asApplicant().contentType(ContentType.JSON).body(VALID.formatted("Lone \\ud800 Surrogate"))
                .post("/api/applications").then().statusCode(400).body("violations.field", hasItem("applicantName"));
        assertEquals(0, db.queryForLong("SELECT count(*) FROM credit_application WHERE applicant_name LIKE 'Lone%'"));
    }

    @Test
    void unconvertibleQueryAndPathParametersAre400NamingTheParameter() {
        asApplicant().queryParam("page", "abc").get("/api/applications").then().statusCode(400)
                .contentType(ContentType.JSON).body("violations[0].field", equalTo("page"));
        asApplicant().queryParam("size", "x").get("/api/applications").then().statusCode(400)
                .body("violations[0].field", equalTo("size"));
        asApplicant().get("/api/applications/not-a-uuid").then().statusCode(400).contentType(ContentType.JSON)
                .body("violations[0].field", equalTo("id"));
        asApplicant().queryParam("cursor", "garbage!").get("/api/applications").then().statusCode(400)
                .body("violations[0].field", equalTo("cursor"));
    }

    @Test
    void aBodyOverTheLimitIs413JsonBeforeItIsRead() {
        byte[] tenMegabytes = new byte[10 * 1024 * 1024];
        RawHttp.Reply reply = RawHttp.exchange(RestAssured.port, "POST /api/applications HTTP/1.1\r\n" + Tokens.authorizationLine() + "Host: localhost"
                + "\r\nContent-Type: application/json\r\nContent-Length: " + tenMegabytes.length, tenMegabytes);
        assertEquals(413, reply.status(), reply.headers());
        assertEquals("application/json", reply.header("Content-Type"));
        assertTrue(reply.body().contains("\"status\":413"), reply.body());
    }

    @Test
    void aDuplicateKeyTrailingGarbageAndCoercibleValuesAre400() {
        String duplicate = VALID.formatted("Duplicate Key").replace("}", ",\"amount\":6000}");
        asApplicant().contentType(ContentType.JSON).body(duplicate).post("/api/applications").then().statusCode(400)
                .contentType(ContentType.JSON).body("message", containsString("Duplicate field"));
        asApplicant().contentType(ContentType.JSON).body(VALID.formatted("Trailing") + " {}").post("/api/applications")
                .then().statusCode(400).contentType(ContentType.JSON);
        asApplicant().contentType(ContentType.JSON).body(VALID.formatted("Fraction Term").replace("24", "36.9"))
                .post("/api/applications").then().statusCode(400).body("violations[0].field", equalTo("termMonths"));
        asApplicant().contentType(ContentType.JSON).body(VALID.formatted("String Amount").replace("5000", "\"5000\""))
                .post("/api/applications").then().statusCode(400).body("violations[0].field", equalTo("amount"));
        asApplicant().contentType(ContentType.JSON).body(VALID.formatted("Extra Field").replace("}", ",\"extra\":1}"))
                .post("/api/applications").then().statusCode(400).body("violations[0].field", equalTo("extra"));
        for (String name : List.of("Duplicate Key", "Trailing", "Fraction Term", "String Amount", "Extra Field")) {
            assertEquals(0, rowsNamed(name), name + " stored nothing");
        }
    }

    @Test
    void aBodyThatIsNotJsonIs415Json() {
        asApplicant().contentType(ContentType.TEXT).body("applicantName=Ada").post("/api/applications").then()
                .statusCode(415).contentType(ContentType.JSON).body("status", equalTo(415));
    }

    @Test
    void anHttp10PostWithoutHostIsStoredOnceAndAnswers201WithARelativeLocation() {
        String body = VALID.formatted("Old Client");
        RawHttp.Reply reply = RawHttp.exchange(RestAssured.port, "POST /api/applications HTTP/1.0\r\n" + Tokens.authorizationLine()
                + "Content-Type: application/json\r\nContent-Length: " + body.length(), body);
        assertEquals(201, reply.status(), reply.headers() + reply.body());
        assertTrue(reply.header("Location").startsWith("/api/applications/"), reply.headers());
        assertEquals(1, rowsNamed("Old Client"));
    }

    @Test
    void theLocationNeverEchoesTheClientsHost() {
        asApplicant().contentType(ContentType.JSON).header("Host", "evil.example").body(VALID.formatted("Host Echo"))
                .post("/api/applications").then().statusCode(201)
                .header("Location", startsWith("/api/applications/")).header("Location", not(containsString("evil")));
    }

    @Test
    void anEmptyOrRepeatedIdempotencyKeyIs400AndStoresNothing() {
        String body = VALID.formatted("Empty Key");
        for (String header : List.of("Idempotency-Key:", "Idempotency-Key:    ", "Idempotency-Key: a\r\nIdempotency-Key: b")) {
            RawHttp.Reply reply = RawHttp.exchange(RestAssured.port, "POST /api/applications HTTP/1.1\r\n" + Tokens.authorizationLine() + "Host: localhost"
                    + "\r\nConnection: close\r\nContent-Type: application/json\r\n" + header + "\r\nContent-Length: "
                    + body.length(), body);
            assertEquals(400, reply.status(), header + " -> " + reply.body());
            assertTrue(reply.body().contains("Idempotency-Key"), reply.body());
        }
        assertEquals(0, rowsNamed("Empty Key"));
    }

    @Test
    void tooLongUrisAndHeadersAreJsonAnd405SaysWhatIsAllowed() {
        RawHttp.Reply uri = RawHttp.exchange(RestAssured.port, "GET /api/applications?x=" + "a".repeat(5000)
                + " HTTP/1.1\r\nHost: localhost\r\nConnection: close", "");
        assertEquals(414, uri.status());
        assertTrue(uri.body().contains("\"status\":414"), uri.body());
        RawHttp.Reply headers = RawHttp.exchange(RestAssured.port, "GET /api/applications HTTP/1.1\r\n" + Tokens.authorizationLine() + "Host: localhost"
                + "\r\nConnection: close\r\nX-Big: " + "b".repeat(30_000), "");
        assertEquals(431, headers.status());
        assertTrue(headers.body().contains("\"status\":431"), headers.body());

        asApplicant().delete("/api/applications").then().statusCode(405).contentType(ContentType.JSON)
                .header("Allow", containsString("GET")).header("Allow", containsString("POST"));
        asApplicant().put("/api/applications/" + UUID.randomUUID()).then().statusCode(405)
                .header("Allow", containsString("GET")).header("Allow", not(containsString("POST")));
    }

    @Test
    void unmatchedPathsShareOneMetricLabel() {
        for (int i = 0; i < 5; i++) {
            asApplicant().get("/api/applications/" + UUID.randomUUID() + "/nope").then().statusCode(404);
            asApplicant().get("/scan-" + UUID.randomUUID()).then().statusCode(404);
            asApplicant().delete("/api/applications/x" + i).then().statusCode(405);
        }
        String metrics = asOperator().get(ManagementPortResource.url("/q/metrics")).then().statusCode(200).extract()
                .asString();
        assertFalse(metrics.contains("/nope"), "no label per unmatched path");
        assertFalse(metrics.contains("scan-"), "no label per unmatched path");
        assertFalse(metrics.contains("uri=\"/api/applications/x"), "no label per bad id");
        assertTrue(metrics.contains("uri=\"UNMATCHED\"") || metrics.contains("uri=\"NOT_FOUND\""), "one label");
    }

    @Test
    void createdAtIsTheDatabasesClock() {
        assertEquals(1, db.queryForLong("SELECT count(*) FROM information_schema.columns WHERE table_name = "
                + "'credit_application' AND column_name = 'created_at' AND column_default = 'now()'"));
        String createdAt = asApplicant().contentType(ContentType.JSON).body(VALID.formatted("Clock Source"))
                .post("/api/applications").then().statusCode(201).extract().path("createdAt");
        assertEquals(1, db.queryForLong("SELECT count(*) FROM credit_application WHERE applicant_name = "
                + "'Clock Source' AND created_at = '" + createdAt + "'::timestamptz"), "the answer is what is stored");
    }

    @Test
    void cursorPagingNeitherSkipsNorRepeatsWhileOthersInsert() {
        for (int i = 0; i < 12; i++) {
            asApplicant().contentType(ContentType.JSON).body(VALID.formatted("Pager " + i)).post("/api/applications")
                    .then().statusCode(201);
        }
        List<String> before = db.queryForStrings("SELECT id::text FROM credit_application");
        List<String> seen = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 1000; page++) {
            // An officer's walk: every applicant's applications, as the table holds them.
            var request = asOfficer().queryParam("size", 5);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            var answer = request.get("/api/applications").then().statusCode(200).extract();
            seen.addAll(answer.path("items.id"));
            // Someone inserts between our pages: keyset paging does not shift.
            asApplicant().contentType(ContentType.JSON).body(VALID.formatted("Interloper " + page))
                    .post("/api/applications").then().statusCode(201);
            cursor = answer.path("nextCursor");
            if (cursor == null) {
                break;
            }
        }
        assertEquals(seen.size(), new HashSet<>(seen).size(), "no application listed twice");
        assertTrue(seen.containsAll(before), "every application present before paging was listed");
        Object oldest = Parameters.cursor(UUID.fromString(seen.get(seen.size() - 1)));
        assertNull(asApplicant().queryParam("size", 1).queryParam("cursor", oldest).get("/api/applications")
                .then().statusCode(200).extract().path("nextCursor"), "nothing before the first application");
        asApplicant().queryParam("page", 0).queryParam("cursor", oldest).get("/api/applications").then()
                .statusCode(400).body("violations[0].field", equalTo("cursor"));
    }
}
