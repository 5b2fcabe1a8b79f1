package io.creditrobot.database;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.postgresql.util.PSQLException;

import io.creditrobot.application.CreditApplicationService;

/**
 * What a submission needs from the database, tried and rolled back: the listing-order lock (taken and released at
 * once, as a session lock, so the trial never holds it across a round trip) and an {@code INSERT} of every column the
 * API writes, in one round trip, then {@code ROLLBACK}. The validation proves the server answers
 * and is not read-only; only a write proves that this role may insert (a {@code REVOKE}), that the columns are the
 * ones this version writes (renamed, or a {@code NOT NULL} one added by a newer version's migration), and that no lock
 * held elsewhere makes every insert wait ({@code LOCK TABLE … IN SHARE MODE}, the advisory lock taken by any role).
 *
 * <p>
 * It cannot see a full disk: a row rolled back fits in a page already there, and PostgreSQL needs new space only to
 * extend the table or for WAL it flushes at a commit. The API's own refusals (SQLSTATE 53100, one WARN each) say that.
 *
 * <p>
 * Runs on the monitor's validation thread, on the monitor's own session, after a validation found the database
 * writable; waits at most {@code deadline}: {@code lock_timeout} half of it, {@code statement_timeout} all of it.
 */
final class WriteTrial {

    /** Every column a submission inserts (the entity {@code CreditApplication}), with values no client sent. */
    static final String INSERT = "INSERT INTO " + DatabaseValidator.API_TABLE + " (id, idempotency_key, request_hash, "
            + "applicant_name, email, amount, term_months, annual_income, monthly_debt, decision, score, reasons, "
            + "monthly_installment, debt_to_income, owner) VALUES (gen_random_uuid(), NULL, repeat('0', 64), "
            + "'write trial', 'write-trial@invalid', 1, 1, 1, 0, 'REFERRED', 0, ARRAY[]::text[], 1, 0, NULL)";

    private final String sql;

    WriteTrial(Duration deadline) {
        long ms = Math.max(2, deadline.toMillis());
        this.sql = "SET LOCAL lock_timeout = '" + ms / 2 + "ms'; SET LOCAL statement_timeout = '" + ms + "ms'; "
                + "SELECT pg_advisory_lock(" + CreditApplicationService.LISTING_ORDER_LOCK + "); "
                + "SELECT pg_advisory_unlock(" + CreditApplicationService.LISTING_ORDER_LOCK + "); " + INSERT;
    }

    /** Tries the write on {@code connection} and rolls it back; the refusal, or null when the write went through. */
    WriteRefusal run(Connection connection) throws SQLException {
        WriteRefusal refusal = null;
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (PSQLException e) {
            if (DatabaseFailures.isConnectionLoss(e)) {
                throw e;
            }
            refusal = WriteRefusal.of(e.getSQLState(), e.getServerErrorMessage());
        } finally {
            try {
                connection.rollback();
            } finally {
                connection.setAutoCommit(true);
            }
        }
        if (refusal != null) {
            try (Statement unlock = connection.createStatement()) {
                // A failure between the lock and its unlock must not leave every writer of the fleet waiting.
                unlock.execute("SELECT pg_advisory_unlock_all()");
            }
        }
        return refusal;
    }
}
