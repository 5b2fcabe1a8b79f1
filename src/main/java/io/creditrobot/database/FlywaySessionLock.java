package io.creditrobot.database;

import java.util.Map;

import jakarta.inject.Singleton;

import org.flywaydb.core.api.configuration.FluentConfiguration;

import io.quarkus.flyway.FlywayConfigurationCustomizer;

/**
 * Flyway serialises concurrent migrations (several instances starting against one database) with a PostgreSQL
 * advisory lock. Its default, the transactional lock, makes an instance that waits for another's migration retry the
 * lock once a second inside an open transaction; the datasource's {@code idle_in_transaction_session_timeout} (1 s,
 * application.properties) ends that session (SQLSTATE 25P03), Flyway logs two ERROR lines ("Unable to rollback
 * transaction", "Unable to restore autocommit") and the attempt fails, to be retried by {@link SchemaMigrator}. The
 * session-level lock waits outside any transaction, so the waiting instance simply migrates (finds nothing to do) once
 * the first is done. Our migrations create no index concurrently, the case the transactional lock exists for.
 */
@Singleton
class FlywaySessionLock implements FlywayConfigurationCustomizer {

    static final String TRANSACTIONAL_LOCK = "flyway.postgresql.transactional.lock";

    @Override
    public void customize(FluentConfiguration configuration) {
        configuration.configuration(Map.of(TRANSACTIONAL_LOCK, "false"));
    }
}
