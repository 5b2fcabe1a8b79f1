package io.creditrobot.database;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * One validation: a single round trip on the monitor's own session ({@link MonitorSession}) that proves the server
 * answers and is neither a standby nor read-only. Whether a write goes through is {@link WriteTrial}'s to prove, on
 * the same session.
 *
 * <p>
 * Used by one thread at a time (the monitor's validation thread). A session dropped under the query (server restart,
 * failover, terminated backend), kept or just opened, is retried once on a fresh connection within the same
 * validation: the server accepted that session, so only a refused new one says it refuses sessions, and a restart
 * that is already over does not read as an outage.
 */
final class DatabaseValidator {

    /** The table every API request reads or writes (the entity {@code CreditApplication}). */
    static final String API_TABLE = "credit_application";

    /**
     * Whether the server accepts writes: a standby is in recovery; a demoted or read-only primary has
     * {@code transaction_read_only} on (what pgjdbc's {@code targetServerType=primary} checks too). And whether the
     * API's table is there and free: {@code to_regclass} and {@code pg_locks} take no lock on it, so a validation
     * never waits behind the lock it looks for.
     */
    static final String VALIDATION_SQL = "SELECT pg_is_in_recovery(), current_setting('transaction_read_only'), "
            + "to_regclass('" + API_TABLE + "') IS NOT NULL, EXISTS (SELECT 1 FROM pg_locks WHERE relation = "
            + "to_regclass('" + API_TABLE + "') AND mode = 'AccessExclusiveLock' AND granted)";

    private final MonitorSession session;
    private final LongSupplier clock;

    DatabaseValidator(MonitorSession.ConnectionSource source, LongSupplier clock, Duration newSessionEvery) {
        this.session = new MonitorSession(source, clock, newSessionEvery);
        this.clock = clock;
    }

    /**
     * Validates, and never throws: every failure, an {@link Error} included, becomes an {@link Answer}.
     *
     * @param scheduledAt when the monitor started this validation (the clock's time): the session's age is judged
     *        then
     */
    Answer validate(long scheduledAt) {
        boolean connecting = true;
        try {
            Connection c = session.forValidation(scheduledAt);
            connecting = false;
            return query(c);
        } catch (Throwable first) {
            session.close();
            // A session dropped under the query is retried once; a refused connection is not (that is the answer),
            // nor an abandoned query (the server did not answer in time).
            if (connecting || session.takeAborted() || !DatabaseFailures.isConnectionLoss(first)) {
                return Answer.failed(first, connecting);
            }
            connecting = true;
            try {
                Connection c = session.open();
                connecting = false;
                return query(c);
            } catch (Throwable second) {
                session.close();
                return Answer.failed(second, connecting);
            }
        } finally {
            session.takeAborted();
        }
    }

    /**
     * Runs {@code trial} on the session the last validation used; throws when there is none or it was lost, which
     * says nothing of writes.
     */
    WriteTrial.Result tryWrite(WriteTrial trial) throws SQLException {
        Connection c = session.current();
        if (c == null) {
            throw new SQLException("No session to try a write on", "08003");
        }
        try {
            return trial.run(c);
        } catch (SQLException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** Ends a stuck validation from another thread. */
    void abort() {
        session.abort();
    }

    /** The next validation opens a fresh session. */
    void renew() {
        session.renew();
    }

    void close() {
        session.close();
    }

    private Answer query(Connection c) throws SQLException {
        long start = clock.getAsLong();
        try (Statement statement = c.createStatement(); ResultSet rs = statement.executeQuery(VALIDATION_SQL)) {
            if (!rs.next()) {
                throw new SQLException("The validation query returned no row", "02000");
            }
            boolean inRecovery = rs.getBoolean(1);
            boolean readOnly = "on".equals(rs.getString(2));
            Answer.Table table = !rs.getBoolean(3) ? Answer.Table.MISSING
                    : rs.getBoolean(4) ? Answer.Table.LOCKED : Answer.Table.PRESENT;
            long roundTrip = clock.getAsLong() - start;
            if (inRecovery || readOnly) {
                // Read-only may be a session default set before a change back to read-write: re-check on a fresh
                // session next time rather than trust this one.
                session.renew();
                return Answer.readOnly(roundTrip, table, inRecovery);
            }
            return Answer.writable(roundTrip, table);
        }
    }
}
