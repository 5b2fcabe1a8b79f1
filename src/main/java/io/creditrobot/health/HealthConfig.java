package io.creditrobot.health;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The tunables of the checks that live here (README, "Configuration"). The database monitor's and the migrator's
 * own keys ({@code creditrobot.health.database.*}, {@code creditrobot.health.migration.*}) are mapped in the
 * {@code database} package.
 */
@ConfigMapping(prefix = "creditrobot.health")
public interface HealthConfig {

    Pool pool();

    Liveness liveness();

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

    interface Liveness {

        /** The deadlock scan (a JVM safepoint) runs at most this often, whatever the probe rate. */
        @WithDefault("1s")
        Duration deadlockScanInterval();
    }
}
