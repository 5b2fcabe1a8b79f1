package io.creditrobot.database;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;
import java.util.Optional;

import jakarta.transaction.RollbackException;

import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** Reads what a database failure means, from its exception types and SQLSTATEs (never from messages but Agroal's). */
public final class DatabaseFailures {

    /** SQLSTATE of a write refused by a read-only transaction: a standby, or a primary demoted or set read-only. */
    public static final String READ_ONLY = "25006";

    /**
     * SQLSTATE of a NOT NULL column left empty. The API fills every column it knows (its input is validated first), so
     * this is a column it does not know: one a rolling upgrade's next migration added without a default.
     */
    static final String NOT_NULL_VIOLATION = "23502";

    /** SQLSTATE of a session the server ended because it sat idle inside a transaction past the pool's limit. */
    static final String IDLE_IN_TRANSACTION_TIMEOUT = "25P03";

    private DatabaseFailures() {
    }

    /**
     * True when retrying later can succeed: the database is unreachable, restarting, overloaded, refusing the
     * role's sessions or read-only (a failover in progress). SQLSTATE class 08 (connection exception), 57P01–57P03
     * (shutdown, crash, starting up), a session or statement refused for now (see {@link #isRetryableState}), a pool acquisition timeout, a network timeout, or a commit the
     * transaction manager could not complete ({@link RollbackException}: Narayana reports a commit on a connection
     * that died under it so, without the SQL cause).
     */
    public static boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof ConnectException
                    || t instanceof SocketTimeoutException || t instanceof RollbackException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (isConnectionState(state) || isRetryableState(state))) {
                    return true;
                }
                // Agroal reports an exhausted or unreachable pool without an SQLSTATE.
                String message = sql.getMessage();
                if (state == null && message != null
                        && message.toLowerCase(Locale.ROOT).contains("acquisition timeout")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * True when the API's own table or column is missing (42P01, 42703), or the table has a NOT NULL column this
     * version does not fill (23502: added by a newer version's migration): the schema is not the one this version
     * migrated (renamed, dropped, restored from another version, or already migrated further). The API's SQL is fixed, so a client never causes
     * it; an operator (or the next migration) fixes it.
     */
    public static boolean isSchemaDrift(Throwable failure) {
        return sqlState(failure).filter(state -> state.equals("42P01") || state.equals("42703")
                || state.equals(NOT_NULL_VIOLATION)).isPresent();
    }

    /**
     * A failure described by its structure only, never by a message: each exception's class in the cause chain, the
     * SQLSTATE, and the constraint, table and column PostgreSQL names, then where this service's code was when it
     * failed. Server messages, details ({@code Failing row contains (…)}) and SQL text carry values a client sent
     * (names, e-mail addresses), so they are never read, let alone logged.
     */
    public static String describe(Throwable failure) {
        StringBuilder d = new StringBuilder();
        StackTraceElement ours = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            d.append(d.length() == 0 ? "" : " <- ").append(t.getClass().getName());
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                d.append(" (SQLSTATE ").append(sql.getSQLState());
                if (t instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
                    ServerErrorMessage server = psql.getServerErrorMessage();
                    name(d, "table", server.getTable());
                    name(d, "column", server.getColumn());
                    name(d, "constraint", server.getConstraint());
                }
                d.append(')');
            }
            for (StackTraceElement frame : t.getStackTrace()) {
                if (ours == null && frame.getClassName().startsWith("io.creditrobot.")) {
                    ours = frame;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return ours == null ? d.toString() : d.append(" at ").append(ours).toString();
    }

    private static void name(StringBuilder d, String what, String name) {
        if (name != null) {
            d.append(", ").append(what).append(' ').append(name);
        }
    }

    /** True when the failure is a write refused because the server is read-only (SQLSTATE 25006). */
    public static boolean isReadOnly(Throwable failure) {
        return sqlState(failure).filter(READ_ONLY::equals).isPresent();
    }

    /**
     * True when no session could be had or the one in use was dropped: class 08, 57P01–57P03 (shutting down,
     * crashed, starting up), 25P03 (ended for idling inside a transaction), or a socket error (refused, no route, unknown host, timed out, reset). A fresh
     * connection may succeed later.
     */
    public static boolean isConnectionLoss(Throwable failure) {
        return has(failure, IOException.class) || sqlState(failure).filter(DatabaseFailures::isConnectionState).isPresent();
    }

    /**
     * True when retrying the same migration can succeed: the database is away, busy or read-only for now, or could
     * not be connected to (a role or database being provisioned). False for a failure that repeats identically every
     * time: Flyway's validation (checksum mismatch, a missing or changed script) or a script the database rejects
     * for a reason other than load (syntax, privileges, constraint).
     */
    static boolean isTransient(Throwable failure) {
        if (isUnavailable(failure)) {
            return true;
        }
        if (has(failure, FlywayValidateException.class)) {
            return false;
        }
        // A script the database rejected for its content (the retryable refusals are unavailability, above).
        return !has(failure, FlywayMigrateException.class);
    }

    /** The innermost cause (the failure itself when it has none); a cause that is its own cause ends the walk. */
    public static Throwable rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** The failure's SQLSTATE, or {@code none}. */
    public static String sqlStateOf(Throwable failure) {
        return sqlState(failure).orElse("none");
    }

    static Optional<String> sqlState(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return Optional.of(sql.getSQLState());
            }
        }
        return Optional.empty();
    }

    /**
     * A session or statement the database refused for now, not for the request's content (what an operator or time
     * fixes, never the client): class 53 (insufficient resources: too many connections, disk full, out of memory),
     * class 40 (a serialization failure or deadlock rolled it back), class 28 (the role's password or login right:
     * rotated, expired, revoked), 3D000 (the database is missing: renamed or dropped), 55000 (the database does not
     * accept connections now), 55P03 (lock not available), 57014 (cancelled: a statement or lock timeout), class 57
     * (operator intervention: terminated, shutting down, starting up, database dropped), 42501 (no privilege: the
     * role's CONNECT or a table grant revoked), 25006 (read-only). The API's SQL is fixed, so none of these can come
     * from what a client sends.
     */
    private static boolean isRetryableState(String state) {
        return state.startsWith("53") || state.startsWith("40") || state.startsWith("28") || state.startsWith("57")
                || state.equals("3D000") || state.equals("55000") || state.equals("55P03") || state.equals("42501")
                || state.equals(READ_ONLY);
    }

    /** Class 08, 57P01–57P03, and 25P03 (the server ended a session left idle inside a transaction). */
    private static boolean isConnectionState(String state) {
        return state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
                || state.equals(IDLE_IN_TRANSACTION_TIMEOUT);
    }

    private static boolean has(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
