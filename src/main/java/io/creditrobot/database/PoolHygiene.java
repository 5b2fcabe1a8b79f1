package io.creditrobot.database;

import java.util.Optional;

import io.agroal.api.AgroalDataSource.FlushMode;

/**
 * What the API's pool needs after a validation's answer: after a connection failure idle pooled connections are
 * dropped (they are most likely as dead); on {@code read-only}, and when it ends, the pool is flushed gracefully, so
 * that every request reconnects (with a multi-host URL and {@code targetServerType=primary}, to the new primary).
 * Used by the monitor's validation thread only.
 */
final class PoolHygiene {

    /** The previous answer's reason (null: writable). */
    private DatabaseReason previous;

    Optional<FlushMode> after(DatabaseReason reason) {
        DatabaseReason before = previous;
        previous = reason;
        if (reason == DatabaseReason.UNREACHABLE || reason == DatabaseReason.TIMEOUT) {
            return Optional.of(FlushMode.IDLE);
        }
        // Writable again: sessions opened while the server was read-only may keep that as their default.
        boolean readOnlyEnded = reason == null && before == DatabaseReason.READ_ONLY;
        return reason == DatabaseReason.READ_ONLY || readOnlyEnded ? Optional.of(FlushMode.GRACEFUL) : Optional.empty();
    }
}
