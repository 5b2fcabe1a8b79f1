package io.creditrobot.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.quarkus.test.junit.QuarkusTest;

/** The fault-injection support does what it says, so that tests built on it can be trusted. */
@ExtendWith(RestoresTestDatabase.class)
@QuarkusTest
class TestDatabaseTest {

    private final TestDatabase db = TestDatabase.current();

    private Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", TestDatabase.USER);
        props.setProperty("password", db.password());
        props.setProperty("loginTimeout", "1");
        props.setProperty("connectTimeout", "1");
        return DriverManager.getConnection(db.jdbcUrl(), props);
    }

    @Test
    void theApplicationRoleNeedsItsPassword() {
        Properties wrong = new Properties();
        wrong.setProperty("user", TestDatabase.USER);
        wrong.setProperty("password", "not-the-password");
        SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(db.jdbcUrl(), wrong));
        assertEquals("28P01", e.getSQLState(), "invalid_password");
    }

    @Test
    void stopRefusesConnectionsAndStartServesTheSameDataAgain() throws SQLException {
        long before = db.queryForLong("SELECT count(*) FROM flyway_schema_history");
        db.stop();
        assertTrue(!db.isRunning());
        assertThrows(SQLException.class, this::connect);
        db.start();
        try (Connection c = connect()) {
            assertTrue(c.isValid(1));
        }
        assertEquals(before, db.queryForLong("SELECT count(*) FROM flyway_schema_history"));
    }

    @Test
    void freezeLeavesThePortOpenButNothingAnswersUntilThaw() throws SQLException {
        try (Connection pooled = connect()) {
            db.freeze();
            long start = System.nanoTime();
            assertThrows(SQLException.class, this::connect, "login cannot complete against a frozen server");
            assertTrue(System.nanoTime() - start >= 900_000_000L, "it hung until the login timeout");
            assertTrue(!pooled.isValid(1), "an open connection gets no answer either");
            db.thaw();
        }
        try (Connection c = connect()) {
            assertTrue(c.isValid(1));
        }
    }
}
