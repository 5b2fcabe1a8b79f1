package io.creditrobot.testsupport;

import java.time.Duration;

/**
 * The suite's one timing slack. Every timing bound a test asserts is derived from the configuration it injects
 * (validation interval, deadline, down-after, the probe's timeout, …) plus this: what a loaded 2-core machine may add
 * to it — a thread or timer scheduled late, an HTTP round trip, a child JVM paused, a log line flushed late. CI runs
 * the fault matrix in a lane beside the other tests, with 65–75 % of both cores busy.
 *
 * <p>
 * Sized from CI's measurements: the largest overshoot of a bare derived bound was 9 ms (the fault matrix's
 * "role connection limit": 5,991 ms against new-session-every + interval = 6 s; a start-up recovery measured 1,509 ms
 * against 1,500 ms), so two seconds leave room for a much slower machine, while every bound still tells a working
 * mechanism from a missing one (the faults and timeouts the tests inject are at least 5 s long).
 */
public final class Slack {

    public static final Duration SLACK = Duration.ofSeconds(2);

    private Slack() {
    }

    /** {@code bound} plus the slack, in milliseconds. */
    public static long millis(Duration bound) {
        return bound.plus(SLACK).toMillis();
    }

    /** {@code boundMs} plus the slack, in milliseconds. */
    public static long millis(long boundMs) {
        return boundMs + SLACK.toMillis();
    }
}
