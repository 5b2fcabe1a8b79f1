package io.creditrobot.health;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheckResponse;

import io.creditrobot.reason.Reason;
import org.eclipse.microprofile.health.Liveness;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/**
 * {@code deadlocks}: no JVM threads are deadlocked on monitors or ownable synchronizers. In-process only: nothing
 * outside the JVM (the database least of all) can make it fail.
 *
 * <p>
 * DOWN names the deadlocked threads. A deadlock never resolves itself, so this is the case liveness exists for:
 * restarting the container is the cure. Operator: keep the thread dump (the log of the restarted container) and
 * report it.
 *
 * <p>
 * Both runtimes' answers mean "none": HotSpot's {@code findDeadlockedThreads()} returns {@code null}, a native image's
 * an empty array. A runtime without the thread MXBean (or without deadlock detection) cannot see a deadlock: the
 * check stays UP and says {@code detection: unavailable}, since restarting a healthy process in a loop is worse than
 * not detecting what cannot be seen.
 */
@Liveness
public class DeadlockLivenessCheck implements AsyncHealthCheck {
    /** Why {@code deadlocks} is DOWN: JVM threads deadlocked. */
    public enum DeadlockReason implements Reason { DEADLOCK }


    static final String NAME = "deadlocks";

    private final Supplier<ThreadMXBean> threads;
    private final long scanIntervalNanos;
    private volatile Scan last;

    private record Scan(long atNanos, HealthCheckResponse response) {
    }

    @Inject
    DeadlockLivenessCheck(HealthConfig config) {
        this(config, ManagementFactory::getThreadMXBean);
    }

    /** For tests: the runtime's thread MXBean as a native image or a JVM without management would give it. */
    DeadlockLivenessCheck(HealthConfig config, Supplier<ThreadMXBean> threads) {
        this.scanIntervalNanos = config.liveness().deadlockScanInterval().toNanos();
        this.threads = threads;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        long now = System.nanoTime();
        Scan scan = last;
        if (scan == null || now - scan.atNanos() >= scanIntervalNanos) {
            // Concurrent probes may both scan once at expiry; harmless, and cheaper than a lock on the event loop.
            scan = new Scan(now, scan());
            last = scan;
        }
        return Uni.createFrom().item(scan.response());
    }

    private HealthCheckResponse scan() {
        ThreadMXBean mxBean;
        long[] ids;
        try {
            mxBean = threads.get();
            ids = mxBean == null ? null : mxBean.findDeadlockedThreads();
        } catch (UnsupportedOperationException | SecurityException | LinkageError e) {
            mxBean = null;
            ids = null;
        }
        if (mxBean == null) {
            return HealthCheckResponse.named(NAME).up().withData("detection", "unavailable").build();
        }
        if (ids == null || ids.length == 0) {
            return HealthCheckResponse.up(NAME);
        }
        String names = Arrays.stream(mxBean.getThreadInfo(ids)).filter(Objects::nonNull)
                .map(ThreadInfo::getThreadName).collect(Collectors.joining(", "));
        return Reason.down(HealthCheckResponse.named(NAME), DeadlockReason.DEADLOCK).withData("threads", names).build();
    }
}
