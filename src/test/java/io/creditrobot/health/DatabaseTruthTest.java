package io.creditrobot.health;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.creditrobot.database.DatabaseConfig;
import io.creditrobot.testsupport.RestoresTestDatabase;
import io.creditrobot.testsupport.HealthSchema;
import io.creditrobot.testsupport.Http;
import io.creditrobot.testsupport.LogCapture;
import io.creditrobot.testsupport.ManagementPortResource;
import io.creditrobot.testsupport.Slack;
import io.creditrobot.testsupport.TestDatabase;
import io.creditrobot.testsupport.Tokens;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Health that tells the truth beyond "someone probes a writable database": with no probe at all, with a read-only
 * database, with a slow one, and with a pool saturated by API load. Defaults in force: interval 1 s, deadline
 * 500 ms, down-after 2 s.
 */
@ExtendWith(RestoresTestDatabase.class)
@QuarkusTest
class DatabaseTruthTest {

    /** Readiness reads state and never waits for a round trip: a typical answer takes a few milliseconds. */
    static final long TYPICAL_PROBE_MS = 100;

    /** The monitor's configuration in force (its defaults): the timing bounds below derive from it. */
    @Inject
    DatabaseConfig monitor;

    private final TestDatabase db = TestDatabase.current();

    @Inject
    MeterRegistry registry;

    @TestHTTPResource("/api/applications")
    URI applications;

    @BeforeEach
    void ready() {
        await("ready before the fault").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> Http.get(ManagementPortResource.url("/q/health/ready")).status() == 200);
    }

    @Test
    void withNoProbeAtAllTheGaugeAndTheLogFollowTheDatabase() {
        try (LogCapture logs = LogCapture.start()) {
            // From here on, no HTTP request at all: only the gauge and the log are read, in process.
            assertEquals(1.0, gauge("database"));
            for (String check : List.of("database", "schema", "shutdown", "deadlocks", "startup", "pool",
                    "database-latency", "writes", "listing", "identity-provider")) {
                assertTrue(registry.find("creditrobot.health.check.up").tag("check", check).gauge() != null,
                        "gauge for " + check + " exists without any probe");
            }
            db.stop();
            long stoppedAt = System.nanoTime();
            await("gauge 0 without a probe").atMost(Duration.ofMillis(Slack.millis(2 * monitor.interval().toMillis())))
                    .pollInterval(Duration.ofMillis(20)).until(() -> gauge("database") == 0.0);
            long down = Http.elapsedMillis(stoppedAt);
            await("one UP -> DOWN line").atMost(Slack.slack())
                    .until(() -> logs.linesContaining("Health check 'database' UP -> DOWN").size() == 1);
            assertTrue(logs.linesContaining("Health check 'database' UP -> DOWN").get(0).contains("unreachable"),
                    logs.lines().toString());

            db.start();
            long startedAt = System.nanoTime();
            await("gauge 1 without a probe").atMost(Duration.ofMillis(Slack.millis(2 * monitor.interval().toMillis())))
                    .pollInterval(Duration.ofMillis(20)).until(() -> gauge("database") == 1.0);
            long up = Http.elapsedMillis(startedAt);
            await("one DOWN -> UP line").atMost(Slack.slack())
                    .until(() -> logs.linesContaining("Health check 'database' DOWN -> UP").size() == 1);
            System.out.printf("no probe: gauge 0 %d ms after stop, 1 %d ms after start%n", down, up);
            assertEquals(1, logs.linesContaining("Health check 'database' UP -> DOWN").size(), "no flapping");
        }
    }

    /**
     * A write refused while the database answers (the role's INSERT revoked): with no probe at all, the {@code writes}
     * gauge reads 0 and one line names the reason within two intervals, readiness stays UP, and the POST gets a 503
     * with nothing stored; GRANT, and both are back within two intervals.
     */
    @Test
    void withNoProbeAtAllARefusedWriteIsToldByTheWritesCheckAndReadinessStaysUp() throws Exception {
        long twoIntervals = Slack.millis(2 * monitor.interval().toMillis());
        try (LogCapture logs = LogCapture.start()) {
            db.superuserExecute(TestDatabase.DATABASE, "REVOKE INSERT ON credit_application FROM " + TestDatabase.USER);
            try {
                await("writes gauge 0 without a probe").atMost(Duration.ofMillis(twoIntervals))
                        .pollInterval(Duration.ofMillis(20)).until(() -> gauge("writes") == 0.0);
                await("one UP -> DOWN line").atMost(Slack.slack())
                        .until(() -> logs.linesContaining("Health check 'writes' UP -> DOWN").size() == 1);
                assertTrue(logs.linesContaining("Health check 'writes' UP -> DOWN").get(0).contains("privilege"),
                        logs.lines().toString());
                assertEquals(1.0, gauge("database"), "the database answers: readiness stays UP");
                HttpResponse<String> post = Http.postApplication(applications.toString(), "Revoked Insert");
                assertEquals(503, post.statusCode(), post.body());
            } finally {
                db.superuserExecute(TestDatabase.DATABASE, "GRANT INSERT ON credit_application TO " + TestDatabase.USER);
            }
            await("writes gauge 1 after GRANT").atMost(Duration.ofMillis(twoIntervals))
                    .pollInterval(Duration.ofMillis(20)).until(() -> gauge("writes") == 1.0);
            assertEquals(0, db.queryForLong("SELECT count(*) FROM credit_application WHERE applicant_name = "
                    + "'Revoked Insert'"), "the refused POST stored nothing");
        }
    }

    @Test
    void aReadOnlyDatabaseIsNotReadyItsWritesAnswer503AndItRecoversWithoutARestart() throws Exception {
        try (LogCapture logs = LogCapture.start()) {
            db.readOnly(true, true);
            long since = System.nanoTime();
            await("DOWN read-only").atMost(Duration.ofMillis(Slack.millis(2 * monitor.interval().toMillis())))
                    .pollInterval(Duration.ofMillis(20)).until(() -> "read-only".equals(databaseReason()));
            long down = Http.elapsedMillis(since);
            assertEquals(503, Http.get(ManagementPortResource.url("/q/health/ready")).status());

            for (int i = 0; i < 3; i++) {
                HttpResponse<String> post = Http.postApplication(applications.toString(), "Read Only " + i);
                assertEquals(503, post.statusCode(), post.body());
                assertTrue(post.headers().firstValue("Retry-After").isPresent(), "Retry-After");
                assertTrue(post.body().contains("\"status\":503") && post.body().contains("read-only"), post.body());
            }
            assertEquals(List.of(), logs.lines().stream().filter(l -> l.contains(" | ")).toList(),
                    "no stack trace in the log");
            assertEquals(List.of(), logs.linesContaining("Unexpected failure"));

            db.readOnly(false, false);
            since = System.nanoTime();
            await("UP and writable").atMost(Duration.ofMillis(Slack.millis(2 * monitor.interval().toMillis())))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> Http.get(ManagementPortResource.url("/q/health/ready")).status() == 200);
            long up = Http.elapsedMillis(since);
            HttpResponse<String> post = Http.postApplication(applications.toString(), "Writable Again");
            assertEquals(201, post.statusCode(), "writes succeed once readiness is UP: " + post.body());
            System.out.printf("read-only database: DOWN read-only %d ms after it, UP %d ms after read-write%n", down,
                    up);
            assertEquals(1, logs.linesContaining("Health check 'database' UP -> DOWN (reason: read-only)").size(),
                    logs.lines().toString());
        }
    }

    /**
     * The short stall is counted from the moment a validation is caught in it (readiness shows one in flight), not
     * from the freeze: validations start once per interval, so a fixed 900 ms freeze could end before the next one
     * started and test nothing. Caught, the validation stalls about 900 ms: over the slow threshold (250 ms) and the
     * deadline (500 ms), under deadline + down-after (2.5 s), after which readiness would read {@code timeout}.
     */
    @Test
    void aStallShorterThanDownAfterKeepsReadinessUpAndALongerOneReadsTimeout() {
        db.freeze();
        await("a validation caught in the stall").atMost(Duration.ofMillis(Slack.millis(monitor.interval().toMillis())))
                .pollInterval(Duration.ofMillis(20)).until(() -> databaseInFlightMs() > 0);
        long frozenAt = System.nanoTime();
        boolean sawSlow = false;
        while (Http.elapsedMillis(frozenAt) < 900) {
            Http.Answer ready = Http.get(ManagementPortResource.url("/q/health/ready"));
            assertEquals(200, ready.status(), "a 900 ms stall is not an outage: " + ready.body());
            assertTrue(ready.millis() < Slack.millis(TYPICAL_PROBE_MS), "readiness answered in " + ready.millis() + " ms");
            sawSlow |= Http.get(ManagementPortResource.url("/q/health/well")).body().contains("\"slow\"");
            pace();
        }
        db.thaw();
        assertTrue(sawSlow || wellnessReportedSlowAfterThaw(), "database-latency reported the stall");

        await("UP and fast again").atMost(Duration.ofMillis(Slack.millis(3000))).pollInterval(Duration.ofMillis(50))
                .until(() -> Http.get(ManagementPortResource.url("/q/health/well")).status() == 200);
        db.freeze();
        frozenAt = System.nanoTime();
        long worst = 0;
        while (!"timeout".equals(databaseReason())) {
            Http.Answer ready = Http.get(ManagementPortResource.url("/q/health/ready"));
            worst = Math.max(worst, ready.millis());
            assertTrue(Http.elapsedMillis(frozenAt) < Slack.millis(monitor.interval().toMillis() + monitor.deadline().toMillis() + monitor.downAfter().toMillis()),
                    "DOWN timeout within interval + deadline + down-after: " + ready.body());
            pace();
        }
        System.out.printf("frozen database: DOWN timeout %d ms after the freeze, slowest readiness answer %d ms%n",
                Http.elapsedMillis(frozenAt), worst);
    }

    /**
     * Thirty POSTs wait behind another client's uncommitted insert of the same Idempotency-Key (a row lock on the
     * unique index, as under contention): the pool fills up, and readiness stays UP. (A lock on the whole table would
     * be a refusal of its own: readiness reports one held down-after as {@code locked}, see the fault matrix.)
     */
    @Test
    void aPoolSaturatedByApiLoadIsNotADatabaseOutage() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> posts = new ArrayList<>();
        String key = "pool-saturation-" + System.nanoTime();
        try (Connection holder = DriverManager.getConnection(db.jdbcUrl(), TestDatabase.USER, db.password());
                Statement s = holder.createStatement()) {
            holder.setAutoCommit(false);
            // The same owner as the POSTs below (keys are unique per owner).
            s.execute("INSERT INTO credit_application (id, owner, idempotency_key, request_hash, applicant_name, email,"
                    + " amount, term_months, annual_income, monthly_debt, decision, score, reasons, monthly_installment,"
                    + " debt_to_income) VALUES (gen_random_uuid(), '" + Tokens.ALICE + "', '" + key + "', 'x', 'Holder',"
                    + " 'h@example.com', 1, 1, 1, 0, 'DECLINED', 0, '{}', 1, 0)");
            for (int i = 0; i < 30; i++) {
                HttpRequest request = HttpRequest.newBuilder(Http.applicationRequest(applications.toString(), "Waiting"),
                        (name, value) -> true).header("Idempotency-Key", key).build();
                posts.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            }
            await("pool DOWN").atMost(Duration.ofMillis(Slack.millis(3000))).pollInterval(Duration.ofMillis(50))
                    .until(() -> Http.get(ManagementPortResource.url("/q/health/well")).body().contains("saturated"));
            long since = System.nanoTime();
            while (Http.elapsedMillis(since) < 1500) {
                Http.Answer ready = Http.get(ManagementPortResource.url("/q/health/ready"));
                assertEquals(200, ready.status(), "a busy pool is no database outage: " + ready.body());
                pace();
            }
            holder.rollback();
        }
        CompletableFuture.allOf(posts.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        for (CompletableFuture<HttpResponse<String>> post : posts) {
            int status = post.get().statusCode();
            assertTrue(status == 201 || status == 200 || status == 503, "201 (stored), 200 (the same key's replay), or "
                    + "503 for a wait past the pool's or the lock's timeout: " + status);
        }
    }

    private boolean wellnessReportedSlowAfterThaw() {
        // The stalled validation ends right after the thaw with its long round trip.
        return Http.get(ManagementPortResource.url("/q/health/well")).body().contains("\"slow\"");
    }

    private double gauge(String check) {
        Gauge gauge = registry.find("creditrobot.health.check.up").tag("check", check).gauge();
        return gauge == null ? -1 : gauge.value();
    }

    /** The database check's {@code inFlightMs} in readiness, read from the parsed document. */
    private static long databaseInFlightMs() {
        return HealthSchema.check(Http.get(ManagementPortResource.url("/q/health/ready")).body(), "database")
                .path("data").path("inFlightMs").asLong(-1);
    }

    /** The database check's reason in readiness now (empty when it gives none). */
    private static String databaseReason() {
        return HealthSchema.reason(Http.get(ManagementPortResource.url("/q/health/ready")).body(), "database");
    }

    private static void pace() {
        // Pacing between probes (kubelet probes periodically), not a wait for a condition.
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
