package io.creditrobot.health;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.creditrobot.testsupport.HealthSchema;
import io.creditrobot.testsupport.Http;
import io.creditrobot.testsupport.PackagedApp;
import io.creditrobot.testsupport.Slack;
import io.creditrobot.testsupport.TestDatabase;

/** The packaged jar starts with its database stopped and becomes ready once it starts, with no restart. */
class BootWithoutDatabaseIT {

    /**
     * Ready once the database is back: the next validation (one interval, 1 s by default) wakes the migrator at once,
     * which migrates, plus at most one migration backoff (500 ms), plus the suite's slack (the fault matrix runs beside
     * this test; a CI run measured 1509 ms against the bare 1500 ms).
     */
    /** Ready after the database starts: one interval plus its deadline, plus the slack. */
    static final Duration RECOVERY_BOUND = Duration.ofSeconds(1).plusMillis(500);

    @Test
    void startsWithoutTheDatabaseAndBecomesReadyWhenItArrivesWithoutARestart() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            db.stop();
            try (PackagedApp app = PackagedApp.launch("boot-without-database", db, Map.of())) {
                await("started without a database").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> Http.get(app.managementUrl("/q/health/started")).status() == 200);
                Instant startedSeen = Instant.now();
                long pid = app.pid();
                assertStartPhasesWithin(app.launchedAt(), startedSeen,
                        Http.get(app.managementUrl("/q/health/started")).body());

                assertEquals(200, Http.get(app.managementUrl("/q/health/live")).status());
                Http.Answer ready = Http.get(app.managementUrl("/q/health/ready"));
                assertEquals(503, ready.status(), ready.body());
                assertEquals("DOWN", HealthSchema.status(ready.body(), "database"), ready.body());
                assertEquals("pending", HealthSchema.reason(ready.body(), "schema"), "not migrated: " + ready.body());
                HttpResponse<String> post = Http.postApplication(app.url("/api/applications"), "Early Bird");
                assertEquals(503, post.statusCode(), post.body());
                assertTrue(post.headers().firstValue("Retry-After").isPresent());

                // Stay down for a few seconds: the migrator keeps backing off without crashing anything.
                long downSince = System.nanoTime();
                while (Http.elapsedMillis(downSince) < 3000) {
                    assertEquals(503, Http.get(app.managementUrl("/q/health/ready")).status());
                    assertEquals(200, Http.get(app.managementUrl("/q/health/live")).status());
                    Thread.sleep(200); // pacing of probes, as kubelet's period
                }

                db.start();
                long startedAt = System.nanoTime();
                await("ready after the database starts").atMost(Duration.ofSeconds(20))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> Http.get(app.managementUrl("/q/health/ready")).status() == 200);
                long recovery = Http.elapsedMillis(startedAt);
                System.out.printf("boot without database: ready %d ms after the database started%n", recovery);
                assertTrue(recovery <= Slack.millis(RECOVERY_BOUND), "ready " + recovery + " ms after the database started");

                assertEquals(201, Http.postApplication(app.url("/api/applications"), "Early Bird").statusCode(), "the API serves once ready");
                assertTrue(app.isAlive());
                assertEquals(pid, app.pid(), "same process: no restart");
                assertFalse(app.log().contains(db.password()), "the password never reaches the log");
            }
        }
    }

    /**
     * The start's phases are measured from the runtime's real start: not before the launch (the operating system's
     * process start time, built from the boot time in whole seconds, put it about 1.2 s earlier here), and Quarkus
     * started no later than the test first saw it started. A millisecond of slack for the wall clocks' rounding.
     */
    static void assertStartPhasesWithin(Instant launched, Instant startedSeen, String startedBody) {
        JsonNode data = HealthSchema.check(startedBody, "startup").path("data");
        assertTrue(data.has("jvmStartedAt") && data.has("quarkusStartedMs"), startedBody);
        Instant runtimeStarted = Instant.parse(data.get("jvmStartedAt").asText());
        Instant quarkusStarted = runtimeStarted.plusMillis(data.get("quarkusStartedMs").asLong());
        assertFalse(runtimeStarted.isBefore(launched.minusMillis(1)),
                "the runtime started at " + runtimeStarted + ", before its launch at " + launched + ": " + startedBody);
        assertFalse(quarkusStarted.isAfter(startedSeen.plusMillis(1)),
                "Quarkus started at " + quarkusStarted + ", after the test saw it started at " + startedSeen);
    }
}
