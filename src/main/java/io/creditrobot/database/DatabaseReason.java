package io.creditrobot.database;

import io.creditrobot.reason.Reason;

/**
 * Why the database is not up for the API: one type from a validation's {@link Answer} through {@link DatabaseStatus}
 * to readiness' JSON, which shows {@link #code()}. An answer carries {@link #READ_ONLY}, {@link #UNREACHABLE},
 * {@link #TIMEOUT} or {@link #ERROR} (or none: writable); the status adds {@link #PENDING} and {@link #LOCKED}.
 */
public enum DatabaseReason implements Reason {
    /** No validation has answered since boot. */
    PENDING,
    /** Answered, but a standby or read-only: every write would fail (SQLSTATE 25006). */
    READ_ONLY,
    /** Writable, but an ACCESS EXCLUSIVE lock on the API's table has been held at least down-after. */
    LOCKED,
    /** Could not be reached: connection refused, no route, server shutting down or starting up. */
    UNREACHABLE,
    /** No answer within the deadline. */
    TIMEOUT,
    /** Anything else: the class and SQLSTATE say what. */
    ERROR
}
