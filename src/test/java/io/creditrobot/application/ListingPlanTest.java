package io.creditrobot.application;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.creditrobot.testsupport.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;

/**
 * An applicant's listing is planned well whoever holds most of the rows. pgjdbc prepares a statement on the server
 * from its fifth execution, and PostgreSQL may then keep one generic plan for every owner: the listing's statements
 * must be fast under that plan for an owner with few applications while another owner has most of them. Checked on
 * the plan PostgreSQL chooses (node types), never on a time: under the generic plan, no sequential scan and no sort.
 * The bounded count used to be unordered, and its generic plan scanned the whole table for such an owner.
 */
@QuarkusTest
class ListingPlanTest {

    private static final int ROWS = 100_000;

    private final TestDatabase db = TestDatabase.current();

    @Test
    void anOwnerWithFewApplicationsIsListedFromItsIndexUnderTheGenericPlan() throws Exception {
        try (Connection c = db.superuserConnection(TestDatabase.DATABASE); Statement s = c.createStatement()) {
            // The API's table, its indexes and defaults, in a schema of its own: the suite's data stays as it is.
            s.execute("DROP SCHEMA IF EXISTS skewed CASCADE; CREATE SCHEMA skewed; CREATE TABLE "
                    + "skewed.credit_application (LIKE public.credit_application INCLUDING ALL)");
            try {
                s.execute("INSERT INTO skewed.credit_application (id, owner, request_hash, applicant_name, email, "
                        + "amount, term_months, annual_income, monthly_debt, decision, score, reasons, "
                        + "monthly_installment, debt_to_income) SELECT gen_random_uuid(), CASE WHEN i % 1000 = 0 THEN "
                        + "'few' ELSE 'most' END, 'h', 'n', 'e@example.com', 1, 6, 1, 0, 'APPROVED', 1, '{}', 1, 0 "
                        + "FROM generate_series(1, " + ROWS + ") i");
                s.execute("ANALYZE skewed.credit_application");
                s.execute("SET search_path = skewed; SET plan_cache_mode = force_generic_plan");
                s.execute("PREPARE first_page(text, bigint, text, int, bigint) AS "
                        + numbered(ApplicationReads.listSql(true, false, false)));
                s.execute("PREPARE next_page(text, bigint, text, uuid, int, bigint) AS "
                        + numbered(ApplicationReads.listSql(true, false, true)));
                String after = firstId(s, "few");
                for (String owner : List.of("few", "most")) {
                    assertIndexOnly(plan(s, "EXECUTE first_page('" + owner + "', 10001, '" + owner + "', 21, 0)"),
                            owner + "'s first page");
                }
                assertIndexOnly(plan(s, "EXECUTE next_page('few', 10001, 'few', '" + after + "', 21, 0)"),
                        "few's next page");
            } finally {
                s.execute("RESET search_path; RESET plan_cache_mode; DEALLOCATE ALL; DROP SCHEMA skewed CASCADE");
            }
        }
    }

    private static void assertIndexOnly(String plan, String what) {
        assertTrue(plan.contains("\"$1\"") || plan.contains("$1"), what + ": the generic plan (parameters unbound)");
        assertFalse(plan.contains("\"Seq Scan\""), what + " scans the table: " + plan);
        assertFalse(plan.contains("\"Sort\""), what + " sorts: " + plan);
    }

    private static String plan(Statement s, String execute) throws SQLException {
        try (ResultSet rs = s.executeQuery("EXPLAIN (FORMAT JSON) " + execute)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String firstId(Statement s, String owner) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT id FROM credit_application WHERE owner = '" + owner
                + "' ORDER BY seq LIMIT 1")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** JDBC's {@code ?} placeholders as {@code $1, $2, …}, for PREPARE. */
    private static String numbered(String sql) {
        StringBuilder out = new StringBuilder();
        int n = 0;
        for (char ch : sql.toCharArray()) {
            if (ch == '?') {
                out.append('$').append(++n);
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }
}
