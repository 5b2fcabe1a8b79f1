package io.creditrobot.database;

/**
 * The database refused an API request: the API notes it in {@link DatabaseRefusals} and the {@link DatabaseMonitor}
 * acts on it on its own thread, so that nothing but the monitor touches the pool or its own session.
 */
public enum DatabaseRefusal {

    /**
     * A write refused as read-only (SQLSTATE 25006) although the last validation may have found the database
     * writable: pooled sessions may point at a demoted primary. The pool is flushed gracefully (every request
     * reconnects) and the next validation uses a new session.
     */
    WRITE_REFUSED,

    /**
     * No session, or a statement refused for now (unreachable, authentication, no free slots, the database missing,
     * a lock or statement timeout): the next validation opens a new session the way the pool does, so that readiness
     * says within one interval whether the API can have one.
     */
    UNAVAILABLE
}
