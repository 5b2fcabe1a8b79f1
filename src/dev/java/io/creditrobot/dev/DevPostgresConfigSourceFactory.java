package io.creditrobot.dev;

import java.util.List;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Gives {@code ./mvnw quarkus:dev} a real PostgreSQL ({@link DevPostgres}), with nothing to install. Compiled into
 * the application only in dev mode (pom.xml, {@code src/dev}); even there it contributes nothing outside the dev
 * profile or when a JDBC URL is configured elsewhere.
 */
public class DevPostgresConfigSourceFactory implements ConfigSourceFactory {

    /** Below application.properties (250) and the environment (300), so anything a developer sets wins. */
    static final int ORDINAL = 200;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (!context.getProfiles().contains("dev") || isConfigured(context.getValue("quarkus.datasource.jdbc.url"))) {
            return List.of();
        }
        return List.of(new PropertiesConfigSource(DevPostgres.ensureStarted(), "CreditRobot dev PostgreSQL", ORDINAL));
    }

    static boolean isConfigured(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }
}
