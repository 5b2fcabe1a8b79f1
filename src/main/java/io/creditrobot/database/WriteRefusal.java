package io.creditrobot.database;

import org.postgresql.util.ServerErrorMessage;

/**
 * Why a write was refused, by structure only: the reason, the SQLSTATE and the names PostgreSQL gives (never its
 * message, which may quote values).
 *
 * @param reason {@code privilege} (42501), {@code drift} (42P01, 42703, 23502: the schema is not this version's),
 *        {@code lock-wait} (55P03: a lock held elsewhere), {@code timeout} (57014), {@code resources} (class 53) or
 *        {@code error}
 */
public record WriteRefusal(String reason, String sqlState, String table, String column, String constraint) {

    static WriteRefusal of(String sqlState, ServerErrorMessage server) {
        String state = sqlState == null ? "none" : sqlState;
        String reason = switch (state) {
            case "42501" -> "privilege";
            case "42P01", "42703", DatabaseFailures.NOT_NULL_VIOLATION -> "drift";
            case "55P03" -> "lock-wait";
            case "57014" -> "timeout";
            default -> state.startsWith("53") ? "resources" : "error";
        };
        return server == null ? new WriteRefusal(reason, state, null, null, null)
                : new WriteRefusal(reason, state, server.getTable(), server.getColumn(), server.getConstraint());
    }

    /** A wait, which ordinary traffic can cause once: only two in a row count. */
    boolean waited() {
        return reason.equals("lock-wait") || reason.equals("timeout");
    }
}
