package io.creditrobot.database;

/**
 * Why the database is not up for the API: one type from a validation's {@link Answer} through {@link DatabaseStatus}
 * to readiness' JSON, which shows {@link #code()}. An answer carries {@link #READ_ONLY}, {@link #UNREACHABLE},
 * {@link #TIMEOUT} or {@link #ERROR} (or none: writable); the status adds {@link #PENDING} and {@link #LOCKED}.
 */
public enum DatabaseReason {
    /** No validation has answered since boot. */
    PENDING("pending"),
    /** Answered, but a standby or read-only: every write would fail (SQLSTATE 25006). */
    READ_ONLY("read-only"),
    /** Writable, but an ACCESS EXCLUSIVE lock on the API's table has been held at least down-after. */
    LOCKED("locked"),
    /** Could not be reached: connection refused, no route, server shutting down or starting up. */
    UNREACHABLE("unreachable"),
    /** No answer within the deadline. */
    TIMEOUT("timeout"),
    /** Anything else: the class and SQLSTATE say what. */
    ERROR("error");

    private final String code;

    DatabaseReason(String code) {
        this.code = code;
    }

    /** As readiness, the log and the metrics show it. */
    public String code() {
        return code;
    }
}
