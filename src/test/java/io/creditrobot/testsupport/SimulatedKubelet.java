package io.creditrobot.testsupport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

/**
 * Runs a container's three probes with kubelet's semantics, from the values of a generated manifest: HTTP GET,
 * success is a status from 200 to 399, each attempt bounded by {@code timeoutSeconds}, attempts every
 * {@code periodSeconds} (scaled down by a constant factor, so a test runs in seconds), {@code failureThreshold}
 * consecutive failures to act, {@code successThreshold} consecutive successes to recover; liveness and readiness
 * start only once the startup probe has succeeded. Liveness reaching its threshold is recorded as the restart
 * kubelet would perform (the simulation stops probing there). Timeouts are not scaled: they are what is tested.
 */
public final class SimulatedKubelet implements AutoCloseable {

    /** One probe of the container spec. */
    public record Probe(String kind, String path, int port, int periodSeconds, int timeoutSeconds,
            int failureThreshold, int successThreshold, int initialDelaySeconds) {
    }

    /** One probe attempt: when (ms since start), which probe, what came back, how long it took. */
    public record Attempt(long atMs, String probe, int status, boolean success, boolean timedOut, long millis) {
    }

    /** A change of the pod's state: Started, Ready, NotReady, Restart. */
    public record Event(long atMs, String what) {
    }

    private final Probe startup;
    private final Probe liveness;
    private final Probe readiness;
    private final double periodScale;
    private final IntFunction<String> baseUrl;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final long t0 = System.nanoTime();
    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean started;
    private volatile boolean ready;
    private volatile boolean restartDue;

    /**
     * @param baseUrl maps a manifest port to the URL prefix where the test runs it (the test picks free ports)
     * @param periodScale factor applied to periods and initial delays (0.2: a 5 s period becomes 1 s)
     */
    public SimulatedKubelet(Probe startup, Probe liveness, Probe readiness, double periodScale,
            IntFunction<String> baseUrl) {
        this.startup = startup;
        this.liveness = liveness;
        this.readiness = readiness;
        this.periodScale = periodScale;
        this.baseUrl = baseUrl;
    }

    public void start() {
        Thread t = new Thread(this::runStartupThenOthers, "kubelet-startup");
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    public boolean isStarted() {
        return started;
    }

    public boolean isReady() {
        return ready;
    }

    public boolean isRestartDue() {
        return restartDue;
    }

    public List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    public long nowMs() {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Failed attempts of one probe since {@code fromMs}. */
    public long failures(String probe, long fromMs) {
        return attempts.stream().filter(a -> a.probe().equals(probe) && a.atMs() >= fromMs && !a.success()).count();
    }

    /** Longest run of consecutive failures of one probe since {@code fromMs}. */
    public int longestFailureRun(String probe, long fromMs) {
        int longest = 0;
        int run = 0;
        for (Attempt a : attempts) {
            if (!a.probe().equals(probe) || a.atMs() < fromMs) {
                continue;
            }
            run = a.success() ? 0 : run + 1;
            longest = Math.max(longest, run);
        }
        return longest;
    }

    /** The timeline for a test's report: state changes and failures per probe. */
    public String timeline() {
        StringBuilder out = new StringBuilder();
        for (Event e : events) {
            out.append(String.format("  %6d ms  %s%n", e.atMs(), e.what()));
        }
        for (Probe p : List.of(startup, liveness, readiness)) {
            long total = attempts.stream().filter(a -> a.probe().equals(p.kind())).count();
            long failed = failures(p.kind(), 0);
            long slowest = attempts.stream().filter(a -> a.probe().equals(p.kind())).mapToLong(Attempt::millis)
                    .max().orElse(0);
            out.append(String.format("  %-9s %3d attempts, %3d failed, slowest %4d ms (timeout %d s)%n", p.kind(),
                    total, failed, slowest, p.timeoutSeconds()));
        }
        return out.toString();
    }

    private void runStartupThenOthers() {
        sleepScaled(startup.initialDelaySeconds());
        int failures = 0;
        while (running.get()) {
            long begin = System.nanoTime();
            Attempt a = attempt(startup);
            if (a.success()) {
                started = true;
                event("Started");
                break;
            }
            if (++failures >= startup.failureThreshold()) {
                restartDue = true;
                event("Restart (startup probe failed " + failures + " times)");
                return;
            }
            pace(startup, begin);
        }
        spawn("kubelet-liveness", () -> probeLoop(liveness));
        spawn("kubelet-readiness", () -> probeLoop(readiness));
    }

    private void probeLoop(Probe probe) {
        sleepScaled(probe.initialDelaySeconds());
        int failures = 0;
        int successes = 0;
        while (running.get()) {
            long begin = System.nanoTime();
            Attempt a = attempt(probe);
            if (a.success()) {
                failures = 0;
                successes++;
            } else {
                successes = 0;
                failures++;
            }
            if (probe == readiness) {
                if (!ready && successes >= probe.successThreshold()) {
                    ready = true;
                    event("Ready");
                } else if (ready && failures >= probe.failureThreshold()) {
                    ready = false;
                    event("NotReady (" + failures + " readiness failures)");
                }
            } else if (failures >= probe.failureThreshold()) {
                restartDue = true;
                event("Restart (liveness failed " + failures + " times)");
                return;
            }
            pace(probe, begin);
        }
    }

    private Attempt attempt(Probe probe) {
        long start = System.nanoTime();
        long at = nowMs();
        int status = -1;
        boolean timedOut = false;
        try {
            HttpResponse<Void> response = client.send(
                    HttpRequest.newBuilder(URI.create(baseUrl.apply(probe.port()) + probe.path()))
                            .header("User-Agent", "kube-probe/simulated").header("Accept", "*/*")
                            .timeout(Duration.ofSeconds(probe.timeoutSeconds())).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            status = response.statusCode();
        } catch (java.net.http.HttpTimeoutException e) {
            timedOut = true;
        } catch (java.io.IOException e) {
            // refused or reset: a failed attempt
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Attempt a = new Attempt(at, probe.kind(), status, status >= 200 && status < 400, timedOut,
                (System.nanoTime() - start) / 1_000_000);
        attempts.add(a);
        return a;
    }

    /** Kubelet's ticker: the next attempt one (scaled) period after the previous one began, or at once if late. */
    private void pace(Probe probe, long beganNanos) {
        long periodNanos = (long) (probe.periodSeconds() * periodScale * 1e9);
        long left = periodNanos - (System.nanoTime() - beganNanos);
        if (left > 0) {
            sleepNanos(left);
        }
    }

    private void sleepScaled(int seconds) {
        sleepNanos((long) (seconds * periodScale * 1e9));
    }

    private void sleepNanos(long nanos) {
        // The probe period itself: kubelet waits, it does not poll for a condition.
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
    }

    private void spawn(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private void event(String what) {
        events.add(new Event(nowMs(), what));
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : List.copyOf(threads)) {
            t.interrupt();
            t.join(10_000);
        }
    }
}
