package io.creditrobot.database;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The database monitor's tunables (docs/operations.md, "Configuration"). */
@ConfigMapping(prefix = "creditrobot.database")
public interface DatabaseConfig {

    /**
     * A validation starts this often, whether or not anyone probes: health, metrics and logs are never older than
     * this, and any probe rate costs one round trip per interval.
     */
    @WithDefault("1s")
    Duration interval();

    /** A validation answering later than this has overrun: {@code database-latency} reports it at once. */
    @WithDefault("500ms")
    Duration deadline();

    /**
     * Readiness turns DOWN {@code timeout} only once a validation has overrun its deadline by this much: a stall
     * shorter than deadline + down-after (2.5 s: a checkpoint, a lock, a pause on the database host) never fails
     * a probe, while a hang fails the first kubelet probe after it (period 5 s) instead of a later one.
     */
    @WithDefault("2s")
    Duration downAfter();

    /**
     * A validation still blocked after this long is abandoned: its connection is closed (and its socket's network
     * timeout is the same backstop), so the next validation opens a fresh one. Until then no second one starts.
     */
    @WithDefault("5s")
    Duration abandonAfter();

    /**
     * The monitor's own session is replaced by a new one this often, opened exactly as the pool opens its
     * connections (URL, credentials, login timeout): a session already open outlives a rotated password, a revoked
     * login, a full {@code max_connections} or a renamed database, which refuse only new sessions, and new sessions
     * are what the pool needs. One extra connection per 5 s is a backend start and an authentication (a few ms of
     * server CPU); with probes every 5 s, readiness says so by the first or second probe after the change. An API
     * request refused for such a reason makes the next validation renew at once.
     */
    @WithDefault("5s")
    Duration newSessionEvery();

    /** Wellness: a round trip (or a running validation) slower than this is reported, without changing routing. */
    @WithDefault("250ms")
    Duration slowThreshold();
}
