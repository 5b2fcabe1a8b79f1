package io.creditrobot.database;

import org.postgresql.util.ServerErrorMessage;

import io.creditrobot.reason.Reason;

/**
 * Why a write was refused, by structure only: the reason, the SQLSTATE and the names PostgreSQL gives (never its
 * message, which may quote values).
 *
 * @param reason the kind, from the SQLSTATE
 */
public record WriteRefusal(WriteReason reason, String sqlState, String table, String column, String constraint) {

    /**
     * Why {@code writes} is DOWN: {@code privilege} (42501), {@code drift} (42P01, 42703, 23502: the schema is not this
     * version's), {@code lock-wait} (55P03: a lock held elsewhere), {@code timeout} (57014), {@code resources} (class
     * 53: a full disk is 53100) or {@code error}.
     */
    public enum WriteReason implements Reason { PRIVILEGE, DRIFT, LOCK_WAIT, TIMEOUT, RESOURCES, ERROR }

    static WriteRefusal of(String sqlState, ServerErrorMessage server) {
        String state = sqlState == null ? "none" : sqlState;
        WriteReason reason = switch (state) {
            case "42501" -> WriteReason.PRIVILEGE;
            case "42P01", "42703", DatabaseFailures.NOT_NULL_VIOLATION -> WriteReason.DRIFT;
            case "55P03" -> WriteReason.LOCK_WAIT;
            case "57014" -> WriteReason.TIMEOUT;
            default -> state.startsWith("53") ? WriteReason.RESOURCES : WriteReason.ERROR;
        };
        return server == null ? new WriteRefusal(reason, state, null, null, null)
                : new WriteRefusal(reason, state, server.getTable(), server.getColumn(), server.getConstraint());
    }

    /** A wait, which ordinary traffic can cause once: only two in a row count. */
    boolean waited() {
        return reason == WriteReason.LOCK_WAIT || reason == WriteReason.TIMEOUT;
    }
}
