package io.creditrobot.application;

import static io.creditrobot.testsupport.Tokens.asApplicant;
import static io.creditrobot.testsupport.Tokens.asOfficer;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.creditrobot.database.DatabaseFailures;
import io.creditrobot.testsupport.TestDatabase;
import io.creditrobot.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

/**
 * The cursor walk skips nothing even while an insert is in flight: a writer that has INSERTed (its position
 * assigned) but not committed holds the listing-order lock, so later submissions wait behind it and take higher
 * positions; a walk started meanwhile sees none of them below its cursor. On the previous code the later two
 * committed first and the walker's next page started below the slow writer's position, which it never showed.
 */
@QuarkusTest
class ListingOrderTest {

    private final TestDatabase db = TestDatabase.current();

    @Inject
    AgroalDataSource pool;

    /**
     * An instance that stalls while holding the listing-order lock (frozen, paused: here, one of the service's own
     * pooled sessions that takes the lock and then sends nothing) holds up other submissions only until the server
     * ends its idle transaction, before their wait reaches lock_timeout: the submission made meanwhile is a 201, not a
     * 503. On the previous configuration it waited the whole lock_timeout and answered 503, for as long as the
     * stalled instance stayed stalled.
     */
    @Test
    void aStalledHolderOfTheListingLockDoesNotStallOtherSubmissions() throws Exception {
        try (Connection stalled = pool.getConnection(); Statement s = stalled.createStatement()) {
            stalled.setAutoCommit(false);
            s.execute("SELECT count(*) FROM pg_advisory_xact_lock(" + CreditApplicationService.LISTING_ORDER_LOCK + ")");
            asApplicant().contentType("application/json").body(body("Behind A Stalled One")).post("/api/applications")
                    .then().statusCode(201);
            SQLException ended = assertThrows(SQLException.class, () -> s.execute("SELECT 1"),
                    "the stalled session was ended by the server");
            assertTrue(DatabaseFailures.isUnavailable(ended), ended.getSQLState() + " "
                    + ended.getMessage());
        }
    }

    @Test
    void aWalkStartedWhileAnInsertIsInFlightNeverSkipsIt() throws Exception {
        for (int i = 0; i < 3; i++) {
            asApplicant().contentType("application/json").body(body("Before " + i)).post("/api/applications").then()
                    .statusCode(201);
        }
        List<CompletableFuture<HttpResponse<String>>> later = new ArrayList<>();
        long slowSeq;
        JsonPath firstPage;
        try (Connection writer = DriverManager.getConnection(db.jdbcUrl(), TestDatabase.USER, db.password());
                Statement s = writer.createStatement()) {
            writer.setAutoCommit(false);
            // What the service does for an insert, held open: the lock, then the INSERT (which takes the position).
            s.execute("SELECT count(*) FROM pg_advisory_xact_lock(" + CreditApplicationService.LISTING_ORDER_LOCK + ")");
            try (ResultSet rs = s.executeQuery("INSERT INTO credit_application (id, request_hash, applicant_name, email,"
                    + " amount, term_months, annual_income, monthly_debt, decision, score, reasons, monthly_installment,"
                    + " debt_to_income) VALUES (gen_random_uuid(), 'x', 'Slow Writer', 's@example.com', 1, 6, 1, 0,"
                    + " 'DECLINED', 0, '{}', 1, 0) RETURNING seq")) {
                rs.next();
                slowSeq = rs.getLong(1);
            }
            HttpClient client = HttpClient.newHttpClient();
            for (int i = 0; i < 2; i++) {
                later.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port
                        + "/api/applications")).header("Content-Type", "application/json")
                        .header("Authorization", Tokens.bearer())
                        .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body("Later " + i)))
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }
            // The walker's first page, while the slow writer is in flight and the later two wait behind it.
            await("both later submissions wait at the listing-order lock").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> db.queryForLong("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                            + " AND query ILIKE '%pg_advisory_xact_lock%' AND pid <> pg_backend_pid()") == 2);
            // An officer's walk: every applicant's applications (and the slow writer's row, which has no owner).
            firstPage = asOfficer().queryParam("size", 3).get("/api/applications").then().statusCode(200).extract()
                    .jsonPath();
            assertFalse(later.stream().anyMatch(CompletableFuture::isDone), "the later submissions wait for the lock");
            writer.commit();
        }
        for (CompletableFuture<HttpResponse<String>> post : later) {
            assertEquals(201, post.get(20, TimeUnit.SECONDS).statusCode());
        }
        List<Long> laterSeqs = db.queryForStrings("SELECT seq FROM credit_application WHERE applicant_name LIKE "
                + "'Later %'").stream().map(Long::valueOf).toList();
        assertTrue(laterSeqs.stream().allMatch(seq -> seq > slowSeq), "positions follow commit order: " + laterSeqs
                + " after " + slowSeq);

        // The walk goes on from its cursor: every application at or below the first page's top is shown exactly
        // once (those committed later above it appear at the top of a new walk, as README says).
        List<String> seen = new ArrayList<>(firstPage.getList("items.id", String.class));
        String cursor = firstPage.getString("nextCursor");
        for (int pages = 0; cursor != null && pages < 2000; pages++) {
            JsonPath page = asOfficer().queryParam("size", 3).queryParam("cursor", cursor).get("/api/applications").then()
                    .statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("items.id", String.class));
            cursor = page.getString("nextCursor");
        }
        String top = db.queryForStrings("SELECT max(seq) FROM credit_application WHERE id IN ('"
                + String.join("','", firstPage.getList("items.id", String.class)) + "')").get(0);
        List<String> due = db.queryForStrings("SELECT id FROM credit_application WHERE seq <= " + top);
        Set<String> missed = new HashSet<>(due);
        missed.removeAll(seen);
        assertEquals(Set.of(), missed, "applications at or below the walk's first page that the walk never showed");
        assertEquals(seen.size(), new HashSet<>(seen).size(), "none shown twice");
    }

    private static String body(String name) {
        return "{\"applicantName\":\"" + name + "\",\"email\":\"walk@example.com\",\"amount\":5000,\"termMonths\":24,"
                + "\"annualIncome\":80000,\"monthlyDebt\":0}";
    }
}
