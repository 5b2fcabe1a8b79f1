package io.creditrobot.dev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The dev-mode PostgreSQL: one server per JVM, data kept in {@code target/dev-postgres} across restarts (until
 * {@code mvn clean}), stopped by a shutdown hook when dev mode exits. Runs as root too: the library starts the
 * binaries under {@code unshare -U}.
 */
final class DevPostgres {

    /**
     * Dev mode reads configuration in several class loaders (build steps, each live reload); a system property is
     * the one memo they all share, so the server is started once.
     */
    private static final String URL_PROPERTY = "creditrobot.dev.postgres.jdbc-url";
    private static final String USER = "postgres";

    private DevPostgres() {
    }

    static synchronized Map<String, String> ensureStarted() {
        String url = System.getProperty(URL_PROPERTY);
        if (url == null) {
            url = start();
            System.setProperty(URL_PROPERTY, url);
        }
        return Map.of(
                "quarkus.datasource.jdbc.url", url,
                "quarkus.datasource.username", USER,
                "quarkus.datasource.password", USER);
    }

    private static String start() {
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(Path.of("target", "dev-postgres").toAbsolutePath())
                    .setCleanDataDirectory(false)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .start();
            return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL for dev mode", e);
        }
    }
}
