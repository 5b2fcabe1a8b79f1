package io.creditrobot.testsupport;

import java.lang.management.ManagementFactory;
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
 *
 * <p>
 * A starved machine (a CI runner shared with other jobs, the suite beside {@code stress-ng --cpu 4}) delays every
 * thread by as much as its run queue is long, so the slack a bound gets is {@link #SLACK} times the machine's
 * pressure when it is asked for: the 1-minute load average per core, rounded up, at least 1 and at most
 * {@link #MAX_PRESSURE}. On an idle machine that is the two seconds above. The bounds stay finite, so a mechanism that
 * never reports still fails; how fast a working one is belongs to the benchmarks.
 */
public final class Slack {

    /** The slack on a machine with no more runnable threads than cores. */
    public static final Duration SLACK = Duration.ofSeconds(2);
    /** The most the slack is scaled by. */
    static final int MAX_PRESSURE = 8;

    private Slack() {
    }

    /** The slack now: {@link #SLACK} times {@link #pressure()}. */
    public static Duration slack() {
        return SLACK.multipliedBy(pressure());
    }

    /** {@code bound} plus the slack now, in milliseconds. */
    public static long millis(Duration bound) {
        return bound.plus(slack()).toMillis();
    }

    /** {@code boundMs} plus the slack now, in milliseconds. */
    public static long millis(long boundMs) {
        return boundMs + slack().toMillis();
    }

    /** The 1-minute load average per core, rounded up, within 1 and {@link #MAX_PRESSURE} (1 where unknown). */
    public static int pressure() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        if (!(load > 0)) {
            return 1;
        }
        int perCore = (int) Math.ceil(load / Runtime.getRuntime().availableProcessors());
        return Math.max(1, Math.min(MAX_PRESSURE, perCore));
    }
}
