package io.creditrobot.database;

import static org.junit.jupiter.api.Assertions.assertFalse;

import jakarta.inject.Inject;

import org.flywaydb.core.Flyway;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The Flyway the application migrates with takes the session-level advisory lock ({@link FlywaySessionLock}). The
 * behaviour it buys (no ERROR while three instances migrate one new database) is checked by the fleet end to end.
 */
@QuarkusTest
class FlywaySessionLockTest {

    @Inject
    Flyway flyway;

    @Test
    void theApplicationsFlywayLocksPerSessionNotPerTransaction() {
        PostgreSQLConfigurationExtension postgres = flyway.getConfiguration().getPluginRegister()
                .getExact(PostgreSQLConfigurationExtension.class);
        assertFalse(postgres.isTransactionalLock(), FlywaySessionLock.TRANSACTIONAL_LOCK);
    }
}
