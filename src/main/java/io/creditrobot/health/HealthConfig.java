package io.creditrobot.health;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The tunables of the checks that live here (docs/operations.md, "Configuration"). The database monitor's and the migrator's
 * keys ({@code creditrobot.database.*}, {@code creditrobot.database.migration.*}) are mapped in the {@code database}
 * package, which owns them.
 */
@ConfigMapping(prefix = "creditrobot.health")
public interface HealthConfig {

    Pool pool();

    Liveness liveness();

    Journal journal();

    IdentityProvider identityProvider();

    /**
     * Every check is evaluated this often even when nobody probes, so that transition logs and the
     * {@code creditrobot_health_check_up} gauges are never older than this.
     */
    @WithDefault("1s")
    Duration watchInterval();

    interface Pool {

        /** Wellness: share of the pool in use (or any thread waiting for a connection) reported as saturated. */
        @WithDefault("0.9")
        double saturationThreshold();
    }

    interface Journal {

        /** Transitions kept in memory for {@code GET /q/health/history}; the oldest is dropped beyond this. */
        @WithDefault("300")
        int size();

        /**
         * A check with more than this many transitions within {@link #flappingWindow()} is flapping: one WARN line
         * says so, its further transitions are journaled and counted but not logged, and one INFO line says when it
         * has been steady for a whole window again.
         */
        @WithDefault("10")
        int flappingTransitions();

        @WithDefault("60s")
        Duration flappingWindow();
    }

    interface Liveness {

        /** The deadlock scan (a JVM safepoint) runs at most this often, whatever the probe rate. */
        @WithDefault("1s")
        Duration deadlockScanInterval();
    }

    interface IdentityProvider {

        /** The issuer's discovery document is fetched this often (wellness {@code identity-provider}). */
        @WithDefault("10s")
        Duration interval();

        /** A fetch without an answer within this is {@code unreachable}; keep it below {@link #interval()}. */
        @WithDefault("2s")
        Duration timeout();
    }
}
