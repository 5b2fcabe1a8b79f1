package io.creditrobot.application;

import static io.creditrobot.testsupport.Tokens.asApplicant;
import static io.creditrobot.testsupport.Tokens.asOfficer;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.creditrobot.database.DatabaseFailures;
import io.creditrobot.testsupport.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The cursor walk skips nothing even while an insert is in flight, and no submission waits for another: a listing
 * shows only applications below the write horizon (the oldest write still in flight), so one that commits late can
 * never appear below a cursor that has passed its position. Every submission used to take one advisory lock, held to
 * its commit, so that positions followed commit order; the later ones waited behind a slow one.
 */
@QuarkusTest
class ListingOrderTest {

    private final TestDatabase db = TestDatabase.current();

    @Inject
    AgroalDataSource pool;

    /**
     * One of the service's own pooled sessions that inserts and then sends nothing (a frozen, paused instance) holds
     * the listing back only until the server ends its idle transaction (the pool's
     * {@code idle_in_transaction_session_timeout}); a submission meanwhile is a 201 at once, and listed after that.
     */
    @Test
    void aStalledPooledWriteHoldsTheListingOnlyUntilTheServerEndsIt() throws Exception {
        try (Connection stalled = pool.getConnection(); Statement s = stalled.createStatement()) {
            stalled.setAutoCommit(false);
            s.execute(bareInsert("Stalled Writer"));
            String id = asApplicant().contentType("application/json").body(body("Behind A Stalled One"))
                    .post("/api/applications").then().statusCode(201).extract().path("id");
            await("listed once the server ended the stalled transaction").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> asOfficer().queryParam("size", 5).get("/api/applications").then().statusCode(200)
                            .extract().jsonPath().getList("items.id", String.class).contains(id));
            SQLException ended = assertThrows(SQLException.class, () -> s.execute("SELECT 1"),
                    "the stalled session was ended by the server");
            assertTrue(DatabaseFailures.isUnavailable(ended), ended.getSQLState() + " " + ended.getMessage());
        }
        assertEquals(0, db.queryForLong("SELECT count(*) FROM credit_application WHERE applicant_name = "
                + "'Stalled Writer'"), "its insert was rolled back");
    }

    @Test
    void aWalkStartedWhileAnInsertIsInFlightNeverSkipsIt() throws Exception {
        for (int i = 0; i < 3; i++) {
            asApplicant().contentType("application/json").body(body("Before " + i)).post("/api/applications").then()
                    .statusCode(201);
        }
        List<String> later = new ArrayList<>();
        String slowId;
        JsonPath firstPage;
        try (Connection writer = DriverManager.getConnection(db.jdbcUrl(), TestDatabase.USER, db.password());
                Statement s = writer.createStatement()) {
            writer.setAutoCommit(false);
            // Any client's bare INSERT, held open: it took its position (its transaction id) and has not committed.
            try (ResultSet rs = s.executeQuery(bareInsert("Slow Writer") + " RETURNING id")) {
                rs.next();
                slowId = rs.getString(1);
            }
            // Later submissions wait for nothing: both are stored while the slow writer is still in flight.
            for (int i = 0; i < 2; i++) {
                later.add(asApplicant().contentType("application/json").body(body("Later " + i))
                        .post("/api/applications").then().statusCode(201).extract().path("id"));
            }
            // An officer's walk (every applicant's applications, and the slow writer's row, which has no owner): the
            // later two committed, but above the slow writer's position, so they are held back with it.
            firstPage = asOfficer().queryParam("size", 3).get("/api/applications").then().statusCode(200).extract()
                    .jsonPath();
            List<String> shown = firstPage.getList("items.id", String.class);
            assertTrue(shown.stream().noneMatch(later::contains), "held while an older write is in flight: " + shown);
            writer.commit();
        }

        // The walk goes on from its cursor: every application at or below the first page's top is shown exactly
        // once (those committed above it appear at the top of a new walk, as README says).
        List<String> seen = new ArrayList<>(firstPage.getList("items.id", String.class));
        String cursor = firstPage.getString("nextCursor");
        for (int pages = 0; cursor != null && pages < 2000; pages++) {
            JsonPath page = asOfficer().queryParam("size", 3).queryParam("cursor", cursor).get("/api/applications").then()
                    .statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("items.id", String.class));
            cursor = page.getString("nextCursor");
        }
        String top = firstPage.getString("items[0].id");
        List<String> due = db.queryForStrings("SELECT id FROM credit_application WHERE (xact, seq) <= (SELECT xact, "
                + "seq FROM credit_application WHERE id = '" + top + "')");
        Set<String> missed = new HashSet<>(due);
        missed.removeAll(seen);
        assertEquals(Set.of(), missed, "applications at or below the walk's first page that the walk never showed");
        assertEquals(seen.size(), new HashSet<>(seen).size(), "none shown twice");

        // A new walk starts with them: the slow writer's first (it began first), then the later two.
        List<String> newTop = asOfficer().queryParam("size", 3).get("/api/applications").then().statusCode(200)
                .extract().jsonPath().getList("items.id", String.class);
        assertEquals(Set.of(slowId, later.get(0), later.get(1)), Set.copyOf(newTop), "the new walk's first page");
        assertEquals(slowId, newTop.get(2), "the slow writer's position is below the later two: " + newTop);
    }

    private static String bareInsert(String name) {
        return "INSERT INTO credit_application (id, request_hash, applicant_name, email, amount, term_months, "
                + "annual_income, monthly_debt, decision, score, reasons, monthly_installment, debt_to_income) VALUES ("
                + "gen_random_uuid(), 'x', '" + name + "', 's@example.com', 1, 6, 1, 0, 'DECLINED', 0, '{}', 1, 0)";
    }

    private static String body(String name) {
        return "{\"applicantName\":\"" + name + "\",\"email\":\"walk@example.com\",\"amount\":5000,\"termMonths\":24,"
                + "\"annualIncome\":80000,\"monthlyDebt\":0}";
    }
}
