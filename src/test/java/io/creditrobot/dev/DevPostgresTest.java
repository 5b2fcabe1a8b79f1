package io.creditrobot.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dev-mode PostgreSQL that {@code ./mvnw quarkus:dev} starts (the class is on the test class path as it is on dev
 * mode's): it starts once per JVM and answers, and the dev fault page's faults take it down and bring it back.
 */
class DevPostgresTest {

    @Test
    void theDevDatabaseStartsOnceAnswersAndTakesTheFaultsOfTheDevPage(@TempDir Path dir) throws Exception {
        // Not target/dev-postgres: a developer's dev session may be using it.
        System.setProperty(DevPostgres.DATA_PROPERTY, dir.resolve("dev-postgres").toString());
        Map<String, String> config = DevPostgres.ensureStarted();
        String url = config.get("quarkus.datasource.jdbc.url");
        assertTrue(url.startsWith("jdbc:postgresql://127.0.0.1:"), url);
        assertEquals(config, DevPostgres.ensureStarted(), "one server per JVM");
        assertEquals(1, selectOne(config));

        DevPostgres.readOnly(true);
        SQLException refused = assertThrows(SQLException.class, () -> write(config));
        assertEquals("25006", refused.getSQLState(), refused.getMessage());
        DevPostgres.readOnly(false);
        write(config);

        DevPostgres.server().stop();
        assertFalse(DevPostgres.server().isRunning());
        assertThrows(SQLException.class, () -> selectOne(config));
        DevPostgres.server().start();
        assertEquals(1, selectOne(config));
        DevPostgres.server().stop();
    }

    private static int selectOne(Map<String, String> config) throws SQLException {
        try (Connection c = connect(config); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1")) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    private static void write(Map<String, String> config) throws SQLException {
        try (Connection c = connect(config); Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE dev_postgres_test (x int)");
        }
    }

    private static Connection connect(Map<String, String> config) throws SQLException {
        return DriverManager.getConnection(config.get("quarkus.datasource.jdbc.url"),
                config.get("quarkus.datasource.username"), config.get("quarkus.datasource.password"));
    }
}
