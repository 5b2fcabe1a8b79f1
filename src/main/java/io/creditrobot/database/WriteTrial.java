package io.creditrobot.database;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.postgresql.util.PSQLException;

/**
 * What a submission needs from the database, tried and rolled back, and what the listing holds back, in one round
 * trip: {@code BEGIN}, the timeouts, the count of committed applications the listing does not show yet (at or above
 * the write horizon: an older write is still in flight), an {@code INSERT} of every column the API writes, a block of
 * new disk space ({@link #SPACE}), then {@code ROLLBACK}. The validation proves the server answers and is not
 * read-only; only a write proves that this role may insert (a {@code REVOKE}), that the columns are the ones this
 * version writes (renamed, or a {@code NOT NULL} one added by a newer version's migration), and that no lock held
 * elsewhere makes every insert wait ({@code LOCK TABLE … IN SHARE MODE}).
 *
 * <p>
 * The trial's own transaction lives for that one round trip only, so it never holds the listing back itself.
 *
 * <p>
 * A full disk: the trial's row, rolled back, fits in a page already there, so the INSERT alone cannot see one (a
 * submission can: it is refused with SQLSTATE 53100 once the table must grow). So the trial also makes PostgreSQL
 * extend a file: a temporary table of its own, one row, in the database's default tablespace (where the table lives
 * unless an operator moved it), created and dropped by the rollback. Its file is written at once (never through the
 * WAL), so a disk with no free block refuses it with 53100, {@code resources}. A role without the TEMP privilege
 * skips that part rather than reading as refused.
 *
 * <p>
 * Runs on the monitor's validation thread, on the monitor's own session (autocommit), after a validation found the
 * database writable; waits at most {@code deadline}: {@code lock_timeout} half of it, {@code statement_timeout} all of
 * it.
 */
final class WriteTrial {

    /** Every column a submission inserts ({@code ApplicationWrites}), with values no client sent. */
    static final String INSERT = "INSERT INTO " + DatabaseValidator.API_TABLE + " (id, idempotency_key, request_hash, "
            + "applicant_name, email, amount, term_months, annual_income, monthly_debt, decision, score, reasons, "
            + "monthly_installment, debt_to_income, owner) VALUES (gen_random_uuid(), NULL, repeat('0', 64), "
            + "'write trial', 'write-trial@invalid', 1, 1, 1, 0, 'REFERRED', 0, ARRAY[]::text[], 1, 0, NULL)";

    /**
     * One new block on the disk of the database's default tablespace ({@code temp_tablespaces} is emptied for the
     * trial's transaction): a temporary table's first row extends its new file.
     */
    static final String SPACE = "DO $space$BEGIN IF has_database_privilege(current_database(), 'TEMP') THEN "
            + "CREATE TEMP TABLE creditrobot_space_trial (b int); INSERT INTO creditrobot_space_trial VALUES (1); "
            + "END IF; END$space$";

    /** Counted up to this many, like a listing's total. */
    static final long HELD_LIMIT = 10_001;

    /**
     * Committed applications at or above the horizon (the listing shows rows below it), and the horizon: one snapshot.
     * Run before the INSERT, while the trial's transaction has no id of its own.
     */
    static final String HELD = "SELECT (SELECT count(*) FROM (SELECT 1 FROM " + DatabaseValidator.API_TABLE
            + " WHERE xact >= pg_snapshot_xmin(pg_current_snapshot()) LIMIT " + HELD_LIMIT + ") held), "
            + "pg_snapshot_xmin(pg_current_snapshot())::text";

    /** What one trial found: the refusal (null when the write went through), and the listing's held applications. */
    record Result(WriteRefusal refusal, Held held) {
    }

    /** The listing's horizon and how many committed applications wait at it; unknown after a refusal. */
    record Held(long count, String horizon) {
    }

    private final String sql;

    WriteTrial(Duration deadline) {
        long ms = Math.max(2, deadline.toMillis());
        this.sql = "BEGIN; SET LOCAL lock_timeout = '" + ms / 2 + "ms'; SET LOCAL statement_timeout = '" + ms + "ms'; "
                + "SET LOCAL temp_tablespaces = ''; " + HELD + "; " + INSERT + "; " + SPACE + "; ROLLBACK";
    }

    /** Tries the write on {@code connection} (autocommit) and rolls it back. */
    Result run(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            Held held = null;
            boolean rows = statement.execute(sql);
            // BEGIN, three SETs, the count, INSERT, DO, ROLLBACK: at most eight results.
            for (int i = 0; i < 8 && (rows || statement.getUpdateCount() != -1); i++) {
                if (rows) {
                    try (ResultSet rs = statement.getResultSet()) {
                        rs.next();
                        held = new Held(rs.getLong(1), rs.getString(2));
                    }
                }
                rows = statement.getMoreResults();
            }
            return new Result(null, held);
        } catch (PSQLException e) {
            if (DatabaseFailures.isConnectionLoss(e)) {
                throw e;
            }
            try (Statement rollback = connection.createStatement()) {
                // The refusal left the trial's transaction open and failed: end it (the rest of the batch was skipped).
                rollback.execute("ROLLBACK");
            }
            return new Result(WriteRefusal.of(e.getSQLState(), e.getServerErrorMessage()), null);
        }
    }
}
