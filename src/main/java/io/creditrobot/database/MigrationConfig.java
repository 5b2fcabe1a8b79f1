package io.creditrobot.database;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The background schema migration's tunables (docs/operations.md, "Configuration"). */
@ConfigMapping(prefix = "creditrobot.database.migration")
public interface MigrationConfig {

    /** First wait after a failed migration attempt; doubles up to {@link #maxBackoff()}. */
    @WithDefault("100ms")
    Duration initialBackoff();

    /**
     * Longest wait between attempts while the database is unreachable: two cheap connection attempts per second
     * bound the cost of waiting, and the first validation that finds the database writable wakes the migrator at
     * once, so readiness follows the database's return within about one monitor interval.
     */
    @WithDefault("500ms")
    Duration maxBackoff();
}
