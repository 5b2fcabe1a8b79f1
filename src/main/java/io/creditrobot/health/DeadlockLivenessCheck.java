package io.creditrobot.health;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.stream.Collectors;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
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
 */
@Liveness
public class DeadlockLivenessCheck implements AsyncHealthCheck {

    static final String NAME = "deadlocks";

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final long scanIntervalNanos;
    private final HealthTransitions transitions;
    private volatile Scan last;

    private record Scan(long atNanos, HealthCheckResponse response) {
    }

    DeadlockLivenessCheck(HealthConfig config, HealthTransitions transitions) {
        this.scanIntervalNanos = config.liveness().deadlockScanInterval().toNanos();
        this.transitions = transitions;
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
        return Uni.createFrom().item(transitions.observe(scan.response()));
    }

    private HealthCheckResponse scan() {
        long[] ids = threads.findDeadlockedThreads();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME).status(ids == null);
        if (ids != null) {
            String names = Arrays.stream(threads.getThreadInfo(ids)).filter(java.util.Objects::nonNull)
                    .map(ThreadInfo::getThreadName).collect(Collectors.joining(", "));
            builder.withData("reason", "deadlock").withData("threads", names);
        }
        return builder.build();
    }
}
