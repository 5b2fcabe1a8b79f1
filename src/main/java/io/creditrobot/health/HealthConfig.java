package io.creditrobot.health;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every tunable of CreditRobot's health checks (README, "Configuration"). */
@ConfigMapping(prefix = "creditrobot.health")
public interface HealthConfig {

    Database database();

    Pool pool();

    Migration migration();

    Liveness liveness();

    interface Database {

        /** Longest a probe waits for a database validation: half of Kubernetes' default 1 s probe timeout. */
        @WithDefault("500ms")
        Duration deadline();

        /** A result is reused this long, so any probe rate costs at most one database round trip per TTL. */
        @WithDefault("1s")
        Duration ttl();

        /**
         * A validation still blocked after this long is abandoned: its connection's network timeout fires and the
         * connection is closed. Until then no second validation starts (single flight).
         */
        @WithDefault("5s")
        Duration abandonAfter();

        /** Wellness: a validation slower than this is reported, without taking the pod out of routing. */
        @WithDefault("250ms")
        Duration slowThreshold();
    }

    interface Pool {

        /** Wellness: share of the pool in use (or any thread waiting for a connection) reported as saturated. */
        @WithDefault("0.9")
        double saturationThreshold();
    }

    interface Migration {

        /** First wait after a failed migration attempt; doubles up to {@link #maxBackoff()}. */
        @WithDefault("100ms")
        Duration initialBackoff();

        /**
         * Longest wait between attempts while the database is unreachable: two cheap connection attempts per second
         * bound the cost of waiting, and the schema is migrated before the readiness TTL has run out, so readiness
         * follows the database's return within about one TTL.
         */
        @WithDefault("500ms")
        Duration maxBackoff();
    }

    interface Liveness {

        /** The deadlock scan (a JVM safepoint) runs at most this often, whatever the probe rate. */
        @WithDefault("1s")
        Duration deadlockScanInterval();
    }
}
