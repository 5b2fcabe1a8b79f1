package io.creditrobot.health;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.creditrobot.database.DatabaseConfig;
import io.creditrobot.database.DatabaseReason;
import io.creditrobot.database.WriteRefusal;
import io.creditrobot.reason.Reason;
import io.creditrobot.testsupport.RestoresTestDatabase;
import io.creditrobot.testsupport.HealthSchema;
import io.creditrobot.testsupport.Http;
import io.creditrobot.testsupport.LogCapture;
import io.creditrobot.testsupport.ManagementPortResource;
import io.creditrobot.testsupport.Slack;
import io.creditrobot.testsupport.TestDatabase;
import io.creditrobot.testsupport.Tokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

/**
 * One reason, one code: each check family's reasons are one {@link Reason} enum, and what a check's JSON says under
 * {@code reason} is what its transition's log line, its journal entry and the metric label say, for a readiness check
 * ({@code database}, the server stopped) and a wellness one ({@code writes}, the role's INSERT revoked).
 */
@ExtendWith(RestoresTestDatabase.class)
@QuarkusTest
class ReasonCodesTest {

    /** Every check family's reasons. */
    static final List<Class<? extends Enum<?>>> FAMILIES = List.of(DatabaseReason.class, WriteRefusal.WriteReason.class,
            SchemaReadinessCheck.SchemaReason.class, ShutdownReadinessCheck.ShutdownReason.class,
            StartupCheck.StartupReason.class, DeadlockLivenessCheck.DeadlockReason.class,
            PoolWellnessCheck.PoolReason.class, DatabaseLatencyWellnessCheck.LatencyReason.class,
            ListingWellnessCheck.ListingReason.class,
            IdentityProviderWellnessCheck.IdentityProviderReason.class);

    @Inject
    DatabaseConfig monitor;

    @Inject
    HealthJournal journal;

    @Inject
    MeterRegistry registry;

    private final TestDatabase db = TestDatabase.current();

    @BeforeEach
    void ready() {
        await("ready before the fault").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> Http.get(ManagementPortResource.url("/q/health/ready")).status() == 200);
    }

    @Test
    void everyFamilysCodesAreDistinctLowerCaseWords() {
        for (Class<? extends Enum<?>> family : FAMILIES) {
            Set<String> codes = new HashSet<>();
            for (Enum<?> constant : family.getEnumConstants()) {
                String code = ((Reason) constant).code();
                assertTrue(code.matches("[a-z]+([- ][a-z]+)*"), family.getSimpleName() + "." + constant + ": " + code);
                assertTrue(codes.add(code), family.getSimpleName() + " has " + code + " twice");
            }
        }
        assertEquals(List.of("pending", "read-only", "locked", "unreachable", "timeout", "error"),
                Arrays.stream(DatabaseReason.values()).map(Reason::code).toList(), "released codes never change");
    }

    @Test
    void aStoppedDatabaseIsUnreachableInTheJsonTheLogTheJournalAndTheMetric() {
        Instant since = Instant.now();
        try (LogCapture logs = LogCapture.start()) {
            db.stop();
            String json = awaitDown("/q/health/ready", "database");
            db.start();
            assertSameCode("database", DatabaseReason.UNREACHABLE, json, logs, since);
        }
    }

    @Test
    void aRevokedInsertIsPrivilegeInTheJsonTheLogTheJournalAndTheMetric() {
        Instant since = Instant.now();
        try (LogCapture logs = LogCapture.start()) {
            db.superuserExecute(TestDatabase.DATABASE, "REVOKE INSERT ON credit_application FROM " + TestDatabase.USER);
            try {
                String json = awaitDown("/q/health/well", "writes");
                assertSameCode("writes", WriteRefusal.WriteReason.PRIVILEGE, json, logs, since);
            } finally {
                db.superuserExecute(TestDatabase.DATABASE, "GRANT INSERT ON credit_application TO " + TestDatabase.USER);
            }
        }
    }

    /** The group's JSON once {@code check} is DOWN there (two intervals plus the slack). */
    private String awaitDown(String group, String check) {
        String[] body = new String[1];
        await(check + " DOWN").atMost(Duration.ofMillis(Slack.millis(2 * monitor.interval().toMillis())))
                .pollInterval(Duration.ofMillis(50)).until(() -> {
                    body[0] = Tokens.asOperator().get(ManagementPortResource.url(group)).body().asString();
                    return "DOWN".equals(HealthSchema.status(body[0], check));
                });
        return body[0];
    }

    private void assertSameCode(String check, Reason expected, String json, LogCapture logs, Instant since) {
        String code = expected.code();
        assertEquals(code, HealthSchema.reason(json, check), "the JSON: " + json);
        // The watcher records within one watch-interval of the change.
        await("the log line").atMost(Slack.slack()).until(
                () -> !logs.linesContaining("Health check '" + check + "' UP -> DOWN").isEmpty());
        String line = logs.linesContaining("Health check '" + check + "' UP -> DOWN").get(0);
        assertTrue(line.endsWith("(reason: " + code + ")"), "the log line: " + line);
        List<HealthJournal.Entry> down = journal.read(check, since).entries().stream()
                .filter(e -> e.to().equals("DOWN")).toList();
        assertEquals(code, down.get(0).reason(), "the journal: " + down);
        Counter counter = registry.find("creditrobot.health.transitions").tag("check", check).tag("to", "DOWN")
                .tag("reason", code).counter();
        assertTrue(counter != null && counter.count() >= 1, "the metric label reason=\"" + code + "\"");
    }
}
