package io.creditrobot.api;

import static io.creditrobot.testsupport.Tokens.asApplicant;
import static io.creditrobot.testsupport.Tokens.asOperator;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.creditrobot.testsupport.LogCapture;
import io.creditrobot.testsupport.ManagementPortResource;
import io.creditrobot.testsupport.RawHttp;
import io.creditrobot.testsupport.Tokens;
import io.creditrobot.testsupport.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Requests the public API refuses, each answered with the exact status and a JSON body naming what is wrong (or, for
 * what Vert.x refuses before any route, a bare 400 and a closed connection), and nothing stored by a refused request:
 * numbers out of range, a body not declared JSON, tampered cursors and repeated parameters, names and e-mails that
 * cannot be shown or routed, OPTIONS, chunked bodies, a missing Host, an oversized body, made-up methods.
 */
@QuarkusTest
class ApiRequestRefusalsTest {

    private final TestDatabase db = TestDatabase.current();

    private long rowsNamed(String name) {
        return db.queryForLong("SELECT count(*) FROM credit_application WHERE applicant_name = '" + name + "'");
    }

    private static String body(String name, String amount, String termMonths, String income, String debt) {
        return "{\"applicantName\":\"" + name + "\",\"email\":\"second@example.com\",\"amount\":" + amount
                + ",\"termMonths\":" + termMonths + ",\"annualIncome\":" + income + ",\"monthlyDebt\":" + debt + "}";
    }

    @Test
    void numbersNoDecimalCanHoldAre400NamingTheField() {
        List<String[]> cases = List.of(new String[] { "amount", body("Exp", "1e9999999999", "24", "80000", "0") },
                new String[] { "monthlyDebt", body("Exp", "5000", "24", "80000", "0e-2147483648") },
                new String[] { "annualIncome", body("Exp", "5000", "24", "-1e-9999999999", "0") },
                new String[] { "termMonths", body("Exp", "5000", "1e9999999999", "80000", "0") });
        for (String[] c : cases) {
            asApplicant().contentType(ContentType.JSON).body(c[1]).post("/api/applications").then().statusCode(400)
                    .contentType(ContentType.JSON).body("violations.field", hasItem(c[0]));
        }
        assertEquals(0, rowsNamed("Exp"));
    }

    @Test
    void aBodyThatDoesNotSayItIsJsonIs415AndStoresNothing() {
        String valid = body("No Type", "5000", "24", "80000", "0");
        RawHttp.Reply none = RawHttp.exchange(RestAssured.port, "POST /api/applications HTTP/1.1\r\n" + Tokens.authorizationLine() + "Host: x\r\n"
                + "Connection: close\r\nContent-Length: " + valid.length(), valid);
        assertEquals(415, none.status(), none.headers() + none.body());
        assertEquals(415, JsonPath.from(none.body()).getInt("status"), none.body());
        for (String type : List.of("*/*", "application/*", "application/json; charset=nonsense-xx",
                "application/json; version=2", "text/json")) {
            asApplicant().contentType(type).body(valid.getBytes(StandardCharsets.UTF_8)).post("/api/applications").then()
                    .statusCode(415).contentType(ContentType.JSON);
        }
        asApplicant().contentType(ContentType.JSON).header("Content-Encoding", "br").body(valid).post("/api/applications")
                .then().statusCode(415).contentType(ContentType.JSON);
        assertEquals(0, rowsNamed("No Type"));
        for (String type : List.of("application/json", "application/json; charset=utf-8",
                "Application/JSON;charset=\"UTF-8\"")) {
            asApplicant().contentType(type).body(body("Typed", "5000", "24", "80000", "0").getBytes(StandardCharsets.UTF_8))
                    .post("/api/applications").then().statusCode(201);
        }
    }

    @Test
    void cursorsAreTamperEvidentAndRepeatedParametersAre400() {
        for (int i = 0; i < 4; i++) {
            asApplicant().contentType(ContentType.JSON).body(body("Cursor Walk", "5000", "24", "80000", "0"))
                    .post("/api/applications").then().statusCode(201);
        }
        var first = asApplicant().queryParam("size", 1).get("/api/applications").then().statusCode(200).extract();
        String next = first.path("nextCursor");
        // The cursor carries the id the page showed and nothing else: never the platform-wide listing position.
        String decoded = new String(Base64.getUrlDecoder().decode(next), StandardCharsets.US_ASCII);
        assertTrue(decoded.matches("v3:" + first.path("items[0].id") + ":[0-9a-f]{16}"), decoded);
        asApplicant().queryParam("size", 1).queryParam("cursor", next).get("/api/applications").then().statusCode(200);
        String v1 = Base64.getUrlEncoder().withoutPadding().encodeToString("v1:5".getBytes(StandardCharsets.US_ASCII));
        UUID someId = UUID.randomUUID();
        String five = Parameters.cursor(someId);
        String tampered = five.substring(0, five.length() - 1) + (five.endsWith("A") ? "B" : "A");
        for (String bad : List.of(next.substring(0, next.length() - 2), next.substring(0, next.length() - 1),
                next + "A", v1, tampered, "dj")) {
            asApplicant().queryParam("cursor", bad).get("/api/applications").then().statusCode(400)
                    .body("violations[0].field", equalTo("cursor"));
        }
        asApplicant().queryParam("cursor", next).queryParam("cursor", next).get("/api/applications").then().statusCode(400)
                .body("violations[0].field", equalTo("cursor"));
        asApplicant().queryParam("size", 1).queryParam("size", 50).get("/api/applications").then().statusCode(400)
                .body("violations[0].field", equalTo("size"));
        assertEquals(someId, Parameters.position(Parameters.cursor(someId)));
    }

    @Test
    void namesThatShowNothingOrDisplayAsAnotherAndUnroutableEmailsAre400() {
        for (String name : List.of("\\u200B", "\\uFEFF", "\\u00AD", "\\u034F", "\\u3164", "\\u2800",
                "\\u200B\\u200B\\u3164", "Ada\\u202Eecalevol", "\\u2066Ada")) {
            asApplicant().contentType(ContentType.JSON).body(body(name, "5000", "24", "80000", "0"))
                    .post("/api/applications").then().statusCode(400).body("violations.field", hasItem("applicantName"));
        }
        asApplicant().contentType(ContentType.JSON).body(body("Address", "5000", "24", "80000", "0")
                .replace("second@example.com", "a@b")).post("/api/applications").then().statusCode(400)
                .body("violations.field", hasItem("email"));
        assertEquals(0, rowsNamed("Address"));
        for (String name : List.of("José Ñúñez", "李小龍", "O'Brien-Smith", "\\u0915\\u094D\\u200D\\u0937")) {
            asApplicant().contentType(ContentType.JSON).body(body(name, "5000", "24", "80000", "0"))
                    .post("/api/applications").then().statusCode(201);
        }
    }

    @Test
    void optionsNamesWhatEachRouteServesAndACommaInAnIdempotencyKeyIsOneRule() {
        asApplicant().options("/api/applications/00000000-0000-0000-0000-000000000000").then().statusCode(204)
                .header("Allow", containsString("GET")).header("Allow", not(containsString("POST")));
        asApplicant().options("/api/applications").then().statusCode(204).header("Allow", containsString("POST"));
        for (String key : List.of("k,k2", "a1, a2")) {
            asApplicant().contentType(ContentType.JSON).header("Idempotency-Key", key)
                    .body(body("Comma Key", "5000", "24", "80000", "0")).post("/api/applications").then()
                    .statusCode(400).body("violations[0].field", equalTo("Idempotency-Key"))
                    .body("violations[0].message", containsString("no comma"));
        }
        assertEquals(0, rowsNamed("Comma Key"));
    }

    @Test
    void aChunkedBodyIs411AndAnHttp11RequestWithoutHostIs400BothJson() {
        String chunk = "x".repeat(70 * 1024);
        RawHttp.Reply chunked = RawHttp.exchange(RestAssured.port, "POST /api/applications HTTP/1.1\r\n" + Tokens.authorizationLine() + "Host: x\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close",
                Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n");
        assertEquals(411, chunked.status(), chunked.headers());
        assertEquals(411, JsonPath.from(chunked.body()).getInt("status"), chunked.body());
        RawHttp.Reply noHost = RawHttp.exchange(RestAssured.port, "GET /api/applications HTTP/1.1\r\n" + Tokens.authorizationLine()
                + "Connection: close", "");
        assertEquals(400, noHost.status(), noHost.headers());
        assertTrue(noHost.body().contains("Host"), noHost.body());
        assertEquals(400, JsonPath.from(noHost.body()).getInt("status"), noHost.body());
    }

    /**
     * What Vert.x's HTTP codec (a control character in a header value) or Quarkus' URI check before the router (a
     * malformed {@code %}-escape in the path or the query) refuses gets a bare 400 and a closed connection, as README
     * says: no hook of the application runs for them (Quarkus does not expose Vert.x's invalid-request handler), so
     * the test pins what is promised: 400, never 500, nothing logged at ERROR, and the service answers the next
     * request. A malformed escape inside a value the API reads (the cursor) is the API's JSON 400.
     */
    @Test
    void requestsRefusedBeforeAnyRouteAreABare400AndLogNothing() {
        try (LogCapture logs = LogCapture.start()) {
            for (String head : List.of("GET /api/applications?size=%ZZ HTTP/1.1\r\n" + Tokens.authorizationLine() + "Host: x\r\nConnection: close",
                    "GET /api/applications/%ZZ HTTP/1.1\r\n" + Tokens.authorizationLine() + "Host: x\r\nConnection: close",
                    "GET /api/applications HTTP/1.1\r\n" + Tokens.authorizationLine() + "Host: x\r\nX-Note: a\u0001b\r\nConnection: close")) {
                RawHttp.Reply reply = RawHttp.exchange(RestAssured.port, head, "");
                assertEquals(400, reply.status(), head + "\n" + reply.headers());
                assertEquals("", reply.body(), head);
            }
            RawHttp.Reply cursor = RawHttp.exchange(RestAssured.port,
                    "GET /api/applications?cursor=%E0%A4 HTTP/1.1\r\n" + Tokens.authorizationLine() + "Host: x\r\nConnection: close", "");
            assertEquals(400, cursor.status(), cursor.headers());
            assertEquals("cursor", JsonPath.from(cursor.body()).getString("violations[0].field"), cursor.body());
            asApplicant().get("/api/applications").then().statusCode(200);
            assertEquals(List.of(), logs.lines().stream().filter(l -> l.contains(" SEVERE ") || l.contains(" ERROR "))
                    .toList());
        }
    }

    /**
     * A refusal that says {@code Connection: close} closes: the client neither sent the body nor asked for a close,
     * and the server's answer is followed by the end of the connection (RawHttp reads until it, with a 10 s read
     * timeout). The issue saw a socket kept 20 s after such an answer; this harness sees Vert.x close it after an
     * answer that says {@code Connection: close}, and the test pins that.
     */
    @Test
    void a413ClosesItsConnection() {
        RawHttp.Reply reply = RawHttp.exchange(RestAssured.port, "POST /api/applications HTTP/1.1\r\n" + Tokens.authorizationLine() + "Host: x\r\n"
                + "Content-Type: application/json\r\nContent-Length: 100000", "");
        assertEquals(413, reply.status(), reply.headers());
        assertEquals("close", reply.header("Connection"));
    }

    /** Made-up methods are counted as one {@code method="OTHER"} series, never one series each. */
    @Test
    void madeUpMethodsDoNotGrowTheMetrics() {
        for (int i = 0; i < 50; i++) {
            RawHttp.exchange(RestAssured.port, "MADEUP" + i + " /api/applications HTTP/1.1\r\n" + Tokens.authorizationLine() + "Host: x\r\n"
                    + "Connection: close", "");
        }
        String metrics = asOperator().get(ManagementPortResource.url("/q/metrics")).then().statusCode(200).extract()
                .asString();
        assertTrue(!metrics.contains("MADEUP"), "a made-up method became a label");
        assertTrue(metrics.contains("method=\"OTHER\""), "made-up methods are counted as OTHER");
    }
}
