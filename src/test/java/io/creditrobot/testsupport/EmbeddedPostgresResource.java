package io.creditrobot.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts the suite's real PostgreSQL (see {@link TestDatabase}) and points the application's datasource at it.
 * Works for {@code @QuarkusTest} and for {@code @QuarkusIntegrationTest}, where the packaged jar gets the same
 * settings.
 */
public class EmbeddedPostgresResource implements QuarkusTestResourceLifecycleManager {

    private TestDatabase database;

    @Override
    public Map<String, String> start() {
        try {
            database = TestDatabase.create();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL", e);
        }
        database.register();
        return database.datasourceConfig();
    }

    @Override
    public void stop() {
        if (database != null) {
            database.unregister();
            try {
                database.close();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not remove the embedded PostgreSQL", e);
            }
        }
    }
}
