package io.creditrobot.health;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;


/**
 * The deadlock check on both runtimes' semantics: HotSpot answers "none" with {@code null}, a native image with an
 * empty array (GraalVM's {@code ThreadMXBean}); a runtime may also lack the MXBean. And a real deadlock, on this JVM.
 */
class DeadlockLivenessCheckTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @Test
    void nativeImageEmptyDeadlockArrayIsUp() {
        HealthCheckResponse response = check(() -> mxBeanAnswering(new long[0])).call().await().atMost(DEADLINE);
        assertEquals(HealthCheckResponse.Status.UP, response.getStatus(), "an empty array means no deadlock");
        assertTrue(response.getData().isEmpty(), "no reason or thread list on UP: " + response.getData());
    }

    @Test
    void hotSpotNullDeadlockAnswerIsUp() {
        HealthCheckResponse response = check(() -> mxBeanAnswering(null)).call().await().atMost(DEADLINE);
        assertEquals(HealthCheckResponse.Status.UP, response.getStatus());
    }

    @Test
    void missingThreadMXBeanIsUpAndSaysDetectionIsUnavailable() {
        for (Supplier<ThreadMXBean> missing : java.util.List.<Supplier<ThreadMXBean>> of(() -> null, () -> {
            throw new UnsupportedOperationException("no management in this image");
        }, () -> mxBeanThrowing(new UnsupportedOperationException("findDeadlockedThreads")))) {
            HealthCheckResponse response = check(missing).call().await().atMost(DEADLINE);
            assertEquals(HealthCheckResponse.Status.UP, response.getStatus(), "liveness must not restart a process "
                    + "only because it cannot look for deadlocks");
            assertEquals(Map.of("detection", "unavailable"), response.getData().orElseThrow());
        }
    }

    @Test
    void twoThreadsDeadlockedOnLocksAreDownWithTheirNames() throws InterruptedException {
        ReentrantLock first = new ReentrantLock();
        ReentrantLock second = new ReentrantLock();
        CountDownLatch bothHoldOne = new CountDownLatch(2);
        Thread a = new Thread(() -> lockInOrder(first, second, bothHoldOne), "deadlock-test-a");
        Thread b = new Thread(() -> lockInOrder(second, first, bothHoldOne), "deadlock-test-b");
        a.setDaemon(true);
        b.setDaemon(true);
        a.start();
        b.start();
        try {
            DeadlockLivenessCheck check = check(ManagementFactory::getThreadMXBean);
            HealthCheckResponse response = await("the deadlock is seen").atMost(DEADLINE)
                    .until(() -> check.call().await().atMost(DEADLINE),
                            r -> r.getStatus() == HealthCheckResponse.Status.DOWN);
            Map<String, Object> data = response.getData().orElseThrow();
            assertEquals("deadlock", data.get("reason"));
            String threads = String.valueOf(data.get("threads"));
            assertTrue(threads.contains("deadlock-test-a") && threads.contains("deadlock-test-b"), threads);
        } finally {
            a.interrupt();
            b.interrupt();
            a.join(DEADLINE.toMillis());
            b.join(DEADLINE.toMillis());
        }
    }

    /** Scans on every call (interval 0), so each call sees the MXBean's answer now. */
    private static DeadlockLivenessCheck check(Supplier<ThreadMXBean> threads) {
        HealthConfig config = new HealthConfig() {
            @Override
            public Pool pool() {
                return () -> 0.9;
            }

            @Override
            public Liveness liveness() {
                return () -> Duration.ZERO;
            }

            @Override
            public Journal journal() {
                throw new UnsupportedOperationException("not read by the liveness check");
            }

            @Override
            public IdentityProvider identityProvider() {
                throw new UnsupportedOperationException("not read by the liveness check");
            }

            @Override
            public Duration watchInterval() {
                return Duration.ofSeconds(1);
            }
        };
        return new DeadlockLivenessCheck(config, threads);
    }

    private static void lockInOrder(ReentrantLock held, ReentrantLock wanted, CountDownLatch bothHoldOne) {
        try {
            held.lockInterruptibly();
            try {
                bothHoldOne.countDown();
                bothHoldOne.await();
                wanted.lockInterruptibly();
                wanted.unlock();
            } finally {
                held.unlock();
            }
        } catch (InterruptedException e) {
            // The test ends the deadlock by interrupting both threads.
        }
    }

    private static ThreadMXBean mxBeanAnswering(long[] deadlocked) {
        return (ThreadMXBean) Proxy.newProxyInstance(ThreadMXBean.class.getClassLoader(),
                new Class<?>[] { ThreadMXBean.class }, (proxy, method, args) -> {
                    if (method.getName().equals("findDeadlockedThreads")) {
                        return deadlocked;
                    }
                    throw new AssertionError("unexpected call " + method.getName());
                });
    }

    private static ThreadMXBean mxBeanThrowing(RuntimeException failure) {
        return (ThreadMXBean) Proxy.newProxyInstance(ThreadMXBean.class.getClassLoader(),
                new Class<?>[] { ThreadMXBean.class }, (proxy, method, args) -> {
                    throw failure;
                });
    }
}
