package io.creditrobot.health;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import jakarta.inject.Inject;

import io.creditrobot.database.DatabaseConfig;
import io.creditrobot.testsupport.RestoresTestDatabase;
import io.creditrobot.testsupport.HealthSchema;
import io.creditrobot.testsupport.Http;
import io.creditrobot.testsupport.LogCapture;
import io.creditrobot.testsupport.ManagementPortResource;
import io.creditrobot.testsupport.Slack;
import io.creditrobot.testsupport.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Readiness under database faults, against the real PostgreSQL: frozen (every process SIGSTOPped), stopped, and a
 * probe storm. Defaults in force: interval 1 s, deadline 500 ms, down-after 2 s, abandon-after 5 s.
 */
@ExtendWith(RestoresTestDatabase.class)
@QuarkusTest
class DatabaseFaultsTest {

    /** Readiness reads state and never waits for a round trip: a typical answer takes a few milliseconds. */
    static final long TYPICAL_PROBE_MS = 100;
    /** Kubernetes' default probe timeout: no probe may take longer, whatever the database does. */
    static final long PROBE_BOUND_MS = 1000;
    static final Pattern VALIDATIONS = Pattern.compile("\"validations\"\\s*:\\s*(\\d+)");

    /** The monitor's configuration in force (its defaults): the timing bounds below derive from it. */
    @Inject
    DatabaseConfig monitor;

    private final TestDatabase db = TestDatabase.current();

    static String url(String path) {
        return ManagementPortResource.url(path);
    }

    @BeforeEach
    void ready() {
        await("ready before the fault").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> Http.get(url("/q/health/ready")).status() == 200);
    }

    @Test
    void readinessAnswersWithinDeadlineWhileDatabaseIsFrozenAndRecoversAfterThaw() {
        try (LogCapture logs = LogCapture.start()) {
            db.freeze();
            long frozenAt = System.nanoTime();
            // 7 s frozen: past deadline + down-after and abandon-after (5 s), so the stuck validation is abandoned.
            List<Long> readyTimes = new ArrayList<>();
            long firstOfLastDownRun = -1;
            int consecutiveDown = 0;
            while (Http.elapsedMillis(frozenAt) < 7000) {
                Http.Answer ready = Http.get(url("/q/health/ready"));
                Http.Answer live = Http.get(url("/q/health/live"));
                readyTimes.add(ready.millis());
                assertTrue(ready.millis() < PROBE_BOUND_MS, "readiness answered in " + ready.millis() + " ms");
                assertTrue(live.millis() < PROBE_BOUND_MS, "liveness answered in " + live.millis() + " ms");
                assertEquals(200, live.status(), "liveness stays UP while the database is frozen: " + live.body());
                assertTrue(HealthSchema.violations(ready.body()).isEmpty(), ready.body());
                if (ready.status() == 503) {
                    if (consecutiveDown++ == 0) {
                        firstOfLastDownRun = Http.elapsedMillis(frozenAt);
                    }
                    assertTrue(ready.body().contains("\"database\""), ready.body());
                } else {
                    assertEquals(200, ready.status(), ready.body());
                    consecutiveDown = 0;
                }
                sleepQuietly(50);
            }
            assertTrue(consecutiveDown >= 10, "every readiness answer DOWN once frozen, got " + consecutiveDown);
            assertTrue(firstOfLastDownRun <= Slack.millis(monitor.interval().toMillis() + monitor.deadline().toMillis() + monitor.downAfter().toMillis()),
                    "DOWN for good from " + firstOfLastDownRun + " ms after the freeze");
            List<Long> sorted = readyTimes.stream().sorted().toList();
            long p95 = sorted.get((int) (sorted.size() * 0.95));
            assertTrue(p95 <= TYPICAL_PROBE_MS, "95 % of readiness answers within " + TYPICAL_PROBE_MS + " ms, got "
                    + p95 + " ms (answers from state, never a wait)");

            db.thaw();
            long thawedAt = System.nanoTime();
            await("ready after thaw").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> Http.get(url("/q/health/ready")).status() == 200);
            long recovery = Http.elapsedMillis(thawedAt);
            System.out.printf("frozen database: readiness answer times %d..%d ms (p95 %d ms) over %d probes, "
                    + "DOWN for good %d ms after freeze, UP %d ms after thaw%n", sorted.get(0),
                    sorted.get(sorted.size() - 1), p95, readyTimes.size(), firstOfLastDownRun, recovery);
            assertTrue(recovery <= Slack.millis(monitor.interval()), "UP " + recovery + " ms after thaw");

            assertEquals(1, logs.linesContaining("Health check 'database' UP -> DOWN").size(), logs.lines().toString());
            // The watcher logs what it read within one watch-interval; a probe may read UP before that.
            await("one DOWN -> UP line").atMost(Duration.ofMillis(Slack.millis(monitor.interval())))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> !logs.linesContaining("Health check 'database' DOWN -> UP").isEmpty());
            assertEquals(1, logs.linesContaining("Health check 'database' DOWN -> UP").size(), logs.lines().toString());
            assertEquals(List.of(), logs.linesContaining("SRHCK01001"), "no per-probe DOWN logging");
            assertNoPassword(logs, url("/q/health"));
        }
    }

    @Test
    void readinessGoesDownWhenTheDatabaseStopsAndUpWithinAnIntervalOfItsStart() {
        try (LogCapture logs = LogCapture.start()) {
            db.stop();
            long stoppedAt = System.nanoTime();
            await("DOWN after stop").atMost(Duration.ofMillis(Slack.millis(monitor.interval().toMillis() + monitor.deadline().toMillis())))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> Http.get(url("/q/health/ready")).status() == 503);
            long down = Http.elapsedMillis(stoppedAt);
            for (int i = 0; i < 10; i++) {
                Http.Answer ready = Http.get(url("/q/health/ready"));
                assertEquals(503, ready.status(), ready.body());
                assertTrue(ready.millis() < PROBE_BOUND_MS, ready.millis() + " ms");
                assertEquals("unreachable", HealthSchema.reason(ready.body(), "database"), ready.body());
                assertEquals(200, Http.get(url("/q/health/live")).status(), "liveness ignores the database");
                sleepQuietly(50);
            }

            db.start();
            long startedAt = System.nanoTime();
            await("UP after start").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> Http.get(url("/q/health/ready")).status() == 200);
            long recovery = Http.elapsedMillis(startedAt);
            System.out.printf("stopped database: readiness DOWN %d ms after stop, UP %d ms after start%n", down,
                    recovery);
            assertTrue(recovery <= Slack.millis(monitor.interval()), "UP " + recovery + " ms after start");
            assertNoPassword(logs, url("/q/health"));
        }
    }

    @Test
    void aProbeStormCostsAtMostOneValidationPerInterval() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url("/q/health/ready")))
                .timeout(Duration.ofSeconds(10)).build();
        long before = validations(Http.get(url("/q/health/ready")).body());
        long start = System.nanoTime();
        int requests = 2400;
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        // 2400 readiness requests spread over about 3 s, up to hundreds in flight at once.
        for (int i = 0; i < requests; i++) {
            answers.add(client.sendAsync(probe, HttpResponse.BodyHandlers.ofString()));
            if (i % 200 == 199) {
                sleepQuietly(250);
            }
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        long durationMs = Http.elapsedMillis(start);
        long after = before;
        int ok = 0;
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.get();
            ok += response.statusCode() == 200 ? 1 : 0;
            after = Math.max(after, validations(response.body()));
        }
        long allowed = (long) Math.ceil((double) durationMs / monitor.interval().toMillis()) + 1;
        System.out.printf("probe storm: %d readiness requests in %d ms, %d database validations (allowed %d)%n",
                requests, durationMs, after - before, allowed);
        assertEquals(requests, ok, "every probe answered 200");
        assertTrue(after - before <= allowed, (after - before) + " validations for " + durationMs + " ms");
    }

    private static long validations(String body) {
        Matcher m = VALIDATIONS.matcher(body);
        assertTrue(m.find(), body);
        return Long.parseLong(m.group(1));
    }

    private void assertNoPassword(LogCapture logs, String healthUrl) {
        String password = db.password();
        assertFalse(Http.get(healthUrl).body().contains(password), "password in a health body");
        assertFalse(logs.lines().stream().anyMatch(l -> l.contains(password)), "password in a log line");
        assertFalse(logs.lines().isEmpty(), "the capture saw the application's log");
    }

    private static void sleepQuietly(long millis) {
        // Pacing between probes, not a wait for a condition.
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
