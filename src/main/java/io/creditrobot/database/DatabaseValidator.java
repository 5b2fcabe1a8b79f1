package io.creditrobot.database;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * One validation: a single round trip on a connection of its own (never one of the API's pool, so a pool saturated
 * by API load is not mistaken for a database that does not answer) that proves the server answers and is neither a
 * standby nor read-only. Whether a write goes through is {@link WriteTrial}'s to prove, on the same session.
 *
 * <p>
 * Used by one thread at a time (the monitor's validation thread); {@link #abort()} and {@link #renew()} may be
 * called from any thread. The connection is kept between validations and replaced when it fails, when it is older
 * than {@code new-session-every} (so that what the pool needs, a new session, is proven at that cadence), and when
 * {@link #renew()} asks. A session dropped under the query (server restart, failover, terminated backend), kept or
 * just opened, is retried once on a fresh connection within the same validation: the server accepted that session,
 * so only a refused new one says it refuses sessions, and a restart that is already over does not read as an outage.
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

    /** Opens a new connection to the database, with the application's URL, credentials and timeouts. */
    @FunctionalInterface
    interface ConnectionSource {
        Connection open() throws SQLException;
    }

    private final ConnectionSource source;
    private final LongSupplier clock;
    private final long newSessionEveryNanos;
    private volatile Connection connection;
    /** When {@link #connection} was opened (the clock's time); touched by the validating thread only. */
    private long openedAt;
    private volatile boolean renewRequested;
    private volatile boolean aborted;

    DatabaseValidator(ConnectionSource source, LongSupplier clock, Duration newSessionEvery) {
        this.source = source;
        this.clock = clock;
        this.newSessionEveryNanos = newSessionEvery.toNanos();
    }

    /**
     * Validates, and never throws: every failure, an {@link Error} included, becomes an {@link Answer}.
     *
     * @param scheduledAt when the monitor started this validation (the clock's time): the session's age is judged
     *        then
     */
    Answer validate(long scheduledAt) {
        boolean renew = renewRequested || aged(scheduledAt);
        boolean connecting = true;
        try {
            Connection c = connection(renew);
            connecting = false;
            return query(c);
        } catch (Throwable first) {
            close();
            // A session dropped under the query is retried once; a refused connection is not (that is the answer),
            // nor an abandoned query (the server did not answer in time).
            if (connecting || aborted || !DatabaseFailures.isConnectionLoss(first)) {
                return Answer.failed(first, connecting);
            }
            connecting = true;
            try {
                Connection c = connection(false);
                connecting = false;
                return query(c);
            } catch (Throwable second) {
                close();
                return Answer.failed(second, connecting);
            }
        } finally {
            aborted = false;
        }
    }

    /**
     * Runs {@code trial} on the session the last validation used; throws when there is none or it was lost, which
     * says nothing of writes.
     */
    WriteTrial.Result tryWrite(WriteTrial trial) throws SQLException {
        Connection c = connection;
        if (c == null) {
            throw new SQLException("No session to try a write on", "08003");
        }
        try {
            return trial.run(c);
        } catch (SQLException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Closes the connection under a stuck validation, from another thread, so that the validation ends. */
    void abort() {
        aborted = true;
        Connection c = connection;
        if (c != null) {
            try {
                // pgjdbc closes the socket at once, which wakes the thread blocked reading it.
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                // Already closed or broken: the blocked read fails either way.
            }
        }
    }

    /** The next validation opens a fresh session (one whose settings may be stale is not trusted). */
    void renew() {
        renewRequested = true;
    }

    void close() {
        Connection c = connection;
        connection = null;
        closeQuietly(c);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException | RuntimeException e) {
                // The session is gone either way.
            }
        }
    }

    /**
     * The session to validate on. A renewal opens the new session before it closes the old one: with every
     * connection slot taken by other clients, closing first would hand the monitor its own slot back and prove
     * nothing, while the pool, which needs one more session, gets none.
     */
    private Connection connection(boolean renew) throws SQLException {
        if (renew) {
            renewRequested = false;
            Connection old = connection;
            connection = null;
            try {
                return open();
            } finally {
                closeQuietly(old);
            }
        }
        Connection c = connection;
        return c != null ? c : open();
    }

    private Connection open() throws SQLException {
        openedAt = clock.getAsLong();
        Connection c = source.open();
        connection = c;
        return c;
    }

    private boolean aged(long now) {
        return connection != null && now - openedAt >= newSessionEveryNanos;
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
                renew();
                return Answer.readOnly(roundTrip, table, inRecovery);
            }
            return Answer.writable(roundTrip, table);
        }
    }
}
