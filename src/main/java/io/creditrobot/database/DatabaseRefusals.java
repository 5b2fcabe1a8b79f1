package io.creditrobot.database;

import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * What the database refused the API's requests since the monitor last looked. Request threads {@link #note} it; the
 * {@link DatabaseMonitor} takes it on its own thread at its next tick and acts (a new session for the next validation,
 * a flush of the pool). Data flows one way: no request calls into the monitor, the pool or the monitor's session.
 */
@ApplicationScoped
public class DatabaseRefusals {

    private final AtomicReference<DatabaseRefusal> noted = new AtomicReference<>();

    /** Lock-free and constant in memory however many requests fail: a refused write outranks a refused session. */
    public void note(DatabaseRefusal refusal) {
        noted.accumulateAndGet(refusal,
                (before, now) -> before == DatabaseRefusal.WRITE_REFUSED ? before : now);
    }

    /** What was noted since the last call, or null; on the monitor's thread. */
    DatabaseRefusal take() {
        return noted.getAndSet(null);
    }
}
