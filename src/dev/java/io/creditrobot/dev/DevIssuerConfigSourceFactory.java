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
 * needs neither Keycloak nor Docker. Active under the same conditions as {@link DevPostgresConfigSourceFactory}: dev
 * mode (the only build that compiles it into the application), the dev profile, no issuer configured elsewhere.
 *
 * <p>
 * Not Quarkus' OIDC Dev Services: its in-process issuer listens on every interface (Vert.x's default host) on a port
 * that changes with each start, and hands a token for any user name to whoever asks.
 */
public class DevIssuerConfigSourceFactory implements ConfigSourceFactory {

    /** Dev mode reads configuration in several class loaders; a system property is the memo they all share. */
    private static final String URL_PROPERTY = "creditrobot.dev.issuer.url";
    private static final int DEFAULT_PORT = 8180;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (!context.getProfiles().contains("dev")
                || DevPostgresConfigSourceFactory.isConfigured(context.getValue("quarkus.oidc.auth-server-url"))) {
            return List.of();
        }
        ConfigValue port = context.getValue("creditrobot.dev.issuer.port");
        boolean moved = DevPostgresConfigSourceFactory.isConfigured(port);
        String url = ensureStarted(moved ? Integer.parseInt(port.getValue().strip()) : DEFAULT_PORT);
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
}
