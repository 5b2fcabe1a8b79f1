package io.creditrobot.health;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.creditrobot.database.DatabaseConfig;
import io.creditrobot.testsupport.RestoresTestDatabase;
import io.creditrobot.testsupport.Http;
import io.creditrobot.testsupport.LogCapture;
import io.creditrobot.testsupport.ManagementPortResource;
import io.creditrobot.testsupport.Slack;
import io.creditrobot.testsupport.TestDatabase;
import io.creditrobot.testsupport.Tokens;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * The journal with nobody watching: a fault script (the database stopped 5 s, read-only 5 s, frozen 5 s), with no
 * probe and no scrape while it runs (the test waits on the journal bean itself), then one {@code GET
 * /q/health/history}: exactly the expected transitions, each outage within the configured bounds of the injected
 * duration, the same changes in {@code creditrobot_health_transitions_total} and in the log, and the password
 * nowhere. On an application of its own with production's flapping rule (the other tests run with it off, and
 * their transitions would count toward it): three faults in 20 s are not flapping.
 */
@ExtendWith(RestoresTestDatabase.class)
@QuarkusTest
@TestProfile(HealthHistoryTest.ProductionFlappingRule.class)
class HealthHistoryTest {

    /** The production default (HealthConfig), which the test profile otherwise raises. */
    public static class ProductionFlappingRule implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("creditrobot.health.journal.flapping-transitions", "10");
        }
    }

    /**
     * How long each fault of the script lasts: longer than its detection plus the slack (a freeze is tolerated for
     * deadline + down-after = 2.5 s), so that an outage measured shorter than the fault is a failure, not noise.
     */
    static final Duration FAULT = Duration.ofSeconds(5);

    /** The monitor's configuration in force (its defaults): the timing bounds below derive from it. */
    @Inject
    DatabaseConfig monitor;

    private final TestDatabase db = TestDatabase.current();

    @Inject
    HealthJournal journal;

    @Inject
    MeterRegistry registry;

    @Test
    void aFaultScriptWithNoProbeIsJournaledExactlyAndCountedAndLogged() throws Exception {
        awaitJournal("the database UP before the script", e -> true, Instant.EPOCH);
        Instant start = Instant.now();
        double before = transitionsCounted();
        List<String> lines;
        try (LogCapture logs = LogCapture.start()) {
            db.stop();
            awaitDown(start, "unreachable");
            Thread.sleep(FAULT.toMillis()); // the fault's length, as the script says; nothing polls meanwhile
            db.start();
            awaitUp(start, 2);

            db.readOnly(true, true);
            awaitDown(start, "read-only");
            Thread.sleep(FAULT.toMillis());
            db.readOnly(false, true);
            awaitUp(start, 4);

            db.freeze();
            Thread.sleep(FAULT.toMillis());
            db.thaw();
            awaitUp(start, 6);
            lines = logs.linesContaining("Health check 'database'");
            assertFalse(String.join("\n", logs.lines()).contains(db.password()), "the password in a log line");
        }

        String body = Http.get(ManagementPortResource.url(HealthHistoryRoute.PATH + "?check=database&since=" + start))
                .body();
        assertFalse(body.contains(db.password()), "the password in the history");
        JsonPath history = JsonPath.from(body);
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < history.getList("entries").size(); i++) {
            String reason = history.getString("entries[" + i + "].reason");
            seen.add(history.getString("entries[" + i + "].from") + ">" + history.getString("entries[" + i + "].to")
                    + (reason == null ? "" : "(" + reason + ")"));
        }
        assertEquals(List.of("UP>DOWN(unreachable)", "DOWN>UP", "UP>DOWN(read-only)", "DOWN>UP", "UP>DOWN(timeout)",
                "DOWN>UP"), seen, body);

        // Each outage (how long the DOWN state lasted, in the DOWN -> UP entry) against the injected length: seen
        // within one interval of the injection, and over within one interval of the restore; a freeze is tolerated
        // for deadline + down-after first.
        assertOutage(history, 1, FAULT, monitor.interval(), body);
        assertOutage(history, 3, FAULT, monitor.interval(), body);
        assertOutage(history, 5, FAULT, monitor.deadline().plus(monitor.downAfter()).plus(monitor.interval()), body);
        assertEquals("unreachable", history.getString("entries[0].evidence.reason"), body);
        assertEquals("connect", history.getString("entries[0].evidence.phase"), "a stopped server refuses the connect");
        assertTrue(Instant.parse(history.getString("entries[0].evidence.lastSuccessAt")).isBefore(
                Instant.parse(history.getString("entries[0].at"))), body);
        assertEquals("primary", history.getString("entries[2].evidence.role"), "read-only, but not a standby");
        assertTrue(!Instant.parse(history.getString("entries[0].at")).isBefore(start), body);
        System.out.println("GET " + HealthHistoryRoute.PATH + "?check=database after the script: " + body);

        assertEquals(6.0, transitionsCounted() - before, "creditrobot_health_transitions_total{check=database}");
        assertEquals(6, lines.size(), String.join("\n", lines));
        assertEquals(List.of(), lines.stream().filter(l -> l.contains("flapping")).toList(), "three faults in 20 s are "
                + "not flapping (more than 10 changes in 60 s are)");
        assertTrue(lines.get(0).contains("UP -> DOWN (reason: unreachable)"), lines.get(0));
        assertTrue(lines.get(2).contains("UP -> DOWN (reason: read-only)"), lines.get(2));
        assertTrue(lines.get(4).contains("UP -> DOWN (reason: timeout)"), lines.get(4));

        assertEquals(400, Http.get(ManagementPortResource.url(HealthHistoryRoute.PATH + "?since=yesterday")).status());
    }

    /** The page is served whole with a policy that lets it load nothing but the history; the browser lab draws it. */
    @Test
    void theTimelinePageReadsTheHistoryAndLoadsNothingElse() {
        Response page = Tokens.asOperator().get(ManagementPortResource.url(HealthHistoryRoute.TIMELINE));
        assertEquals(200, page.statusCode());
        assertTrue(page.contentType().startsWith("text/html"), page.contentType());
        assertEquals(HealthHistoryRoute.TIMELINE_POLICY, page.header("Content-Security-Policy"));
        assertTrue(page.asString().contains("fetch('" + HealthHistoryRoute.PATH + "'"), "it reads the history");
    }

    private void assertOutage(JsonPath history, int upEntry, Duration injected, Duration detection, String body) {
        long outage = history.getLong("entries[" + upEntry + "].previousStateMs");
        long min = injected.minus(detection).minus(Slack.slack()).toMillis();
        long max = injected.plus(monitor.interval()).plus(Slack.slack()).toMillis();
        assertTrue(outage >= min && outage <= max, "outage " + outage + " ms, expected " + min + "–" + max + " ms for a "
                + injected.toMillis() + " ms fault: " + body);
    }

    private double transitionsCounted() {
        return Search.in(registry).name("creditrobot.health.transitions").tag("check", "database").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    private void awaitDown(Instant since, String reason) {
        awaitJournal("database DOWN (" + reason + ")", e -> "DOWN".equals(e.to()) && reason.equals(e.reason()), since);
    }

    private void awaitUp(Instant since, int entries) {
        await("the database UP again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> journal.read("database", since).entries().size() >= entries
                        && "UP".equals(journal.read("database", since).entries().get(entries - 1).to()));
    }

    private void awaitJournal(String what, java.util.function.Predicate<HealthJournal.Entry> match, Instant since) {
        await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> journal.read("database", since).entries().stream().anyMatch(match));
    }
}
