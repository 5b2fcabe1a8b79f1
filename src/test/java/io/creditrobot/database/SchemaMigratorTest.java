package io.creditrobot.database;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;

import io.creditrobot.testsupport.LogCapture;
import io.creditrobot.testsupport.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The background migrator against a real PostgreSQL: transient failures are retried, permanent ones are not. */
class SchemaMigratorTest {

    @Test
    void aChecksumMismatchStopsTheRetriesWithSchemaFailedAndLogsFlywaysMessageOnce() throws Exception {
        Path scripts = Files.createTempDirectory("creditrobot-migrations-");
        Path v1 = scripts.resolve("V1__table.sql");
        try (TestDatabase db = TestDatabase.create(); LogCapture logs = LogCapture.start()) {
            Files.writeString(v1, "CREATE TABLE t (id int);");
            SchemaMigrator first = migrator(db, scripts);
            await("the first version migrates").atMost(Duration.ofSeconds(10)).until(first::isMigrated);

            Files.writeString(v1, "CREATE TABLE t (id bigint);"); // an applied script edited: checksum mismatch
            SchemaMigrator migrator = migrator(db, scripts);
            await("no further attempts").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> migrator.status().attempts() == 1);
            SchemaMigrator.Status status = migrator.status();
            assertEquals(SchemaMigrator.State.FAILED, status.state(), status.toString());
            List<String> logged = logs.linesContaining("failed permanently");
            assertEquals(1, logged.size(), logs.lines().toString());
            assertTrue(logged.get(0).contains("checksum mismatch"), "Flyway's own message: " + logged.get(0));
            assertEquals(List.of(), emitted(logs, db.password()), "no password in the log");
        } finally {
            Files.deleteIfExists(v1);
            Files.deleteIfExists(scripts);
        }
    }

    @Test
    void anUnreachableDatabaseIsRetriedAndItsMessageLoggedOnceWithoutThePassword() throws Exception {
        Path scripts = Files.createTempDirectory("creditrobot-migrations-");
        try (TestDatabase db = TestDatabase.create(); LogCapture logs = LogCapture.start()) {
            db.stop();
            SchemaMigrator migrator = migrator(db, scripts);
            await("several attempts").atMost(Duration.ofSeconds(10)).until(() -> migrator.status().attempts() >= 4);
            assertEquals(SchemaMigrator.State.PENDING, migrator.status().state());
            assertEquals(1, logs.linesContaining("not migrated yet").size(), "once per distinct error: " + logs.lines());
            assertEquals(List.of(), emitted(logs, db.password()), "no password in the log");
            migrator.stop(null);
        } finally {
            Files.deleteIfExists(scripts);
        }
    }

    /**
     * Captured lines holding {@code text}, among those the application emits (INFO and above). The capture also sees
     * finer records that no handler writes, such as pgjdbc's FINE "Connecting with URL", which this test's URL (it
     * carries the password on purpose) would otherwise trip, depending on which test configured logging first.
     */
    private static List<String> emitted(LogCapture logs, String text) {
        return logs.lines().stream().filter(l -> !l.matches("\\S+ (FINE|FINER|FINEST|DEBUG|TRACE) .*"))
                .filter(l -> l.contains(text)).toList();
    }

    /**
     * A failure is described from its fields, never from a message the driver wrote: with a one-character password
     * ("x"), masking its text garbled every word that held an x and so revealed the password; now nothing is masked
     * and nothing needs to be.
     */
    @Test
    void aFailureIsDescribedFromItsFieldsNeverFromTheDriversMessage() {
        RuntimeException failure = new FlywayException("Unable to obtain connection from database "
                + "(jdbc:postgresql://db:5432/x?password=x) for user 'x': FATAL: password authentication failed",
                new SQLException("FATAL: password authentication failed for user \"x\"", "28P01",
                        new java.net.ConnectException("x")));
        String described = SchemaMigrator.describe(failure);
        assertEquals("org.flywaydb.core.api.FlywayException: SQLSTATE 28P01, cause java.net.ConnectException",
                described);
    }

    /** A migrator on its own thread, as the application starts it, with a URL that carries the password too. */
    private static SchemaMigrator migrator(TestDatabase db, Path scripts) {
        String url = db.jdbcUrl() + "?password=" + db.password();
        Flyway flyway = Flyway.configure().dataSource(url, TestDatabase.USER, db.password())
                .locations("filesystem:" + scripts).connectRetries(0).load();
        FakeDatabase unused = new FakeDatabase();
        DatabaseMonitor monitor = new DatabaseMonitor(DatabaseMonitorTest.config(),
                new DatabaseValidator(unused, unused::now, DatabaseMonitorTest.NEW_SESSION_EVERY), unused::now, r -> {
                }, mode -> {
                }, new DatabaseRefusals(), new SimpleMeterRegistry());
        SchemaMigrator migrator = new SchemaMigrator(flyway, monitor, new MigrationConfig() {
            @Override
            public Duration initialBackoff() {
                return Duration.ofMillis(100);
            }

            @Override
            public Duration maxBackoff() {
                return Duration.ofMillis(500);
            }
        });
        migrator.start(null);
        return migrator;
    }
}
