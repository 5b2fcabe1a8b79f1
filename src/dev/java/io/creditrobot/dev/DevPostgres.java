package io.creditrobot.dev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dev-mode PostgreSQL: a {@link LocalPostgres} in {@code target/dev-postgres}, its data kept across dev sessions
 * (until {@code mvn clean}), on the port it had if that is still free, started once per JVM and stopped when dev mode
 * exits. The application connects as the cluster's superuser to its {@code postgres} database. Also the faults the
 * dev fault page ({@link DevFaultPage}) injects into it.
 */
public final class DevPostgres {

    /**
     * Dev mode reads configuration in several class loaders (build steps, each live reload); a system property is
     * the one memo they all share, so the server is started once.
     */
    private static final String PORT_PROPERTY = "creditrobot.dev.postgres.port";
    /** Where the data lives: {@code target/dev-postgres} unless this system property says otherwise (a test). */
    static final String DATA_PROPERTY = "creditrobot.dev.postgres.data";
    static final String USER = "postgres";
    static final String DATABASE = "postgres";

    private DevPostgres() {
    }

    /** Starts the server unless this JVM already did; the settings that point the application at it. */
    static synchronized Map<String, String> ensureStarted() {
        String port = System.getProperty(PORT_PROPERTY);
        if (port == null) {
            LocalPostgres server = start(data());
            port = String.valueOf(server.port());
            System.setProperty(PORT_PROPERTY, port);
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "dev-postgres-stop"));
        }
        return Map.of(
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE,
                "quarkus.datasource.username", USER,
                "quarkus.datasource.password", "");
    }

    /** The server {@link #ensureStarted()} started in this JVM. */
    static LocalPostgres server() {
        String port = System.getProperty(PORT_PROPERTY);
        if (port == null) {
            throw new IllegalStateException("the dev PostgreSQL was not started in this JVM");
        }
        return new LocalPostgres(data(), Integer.parseInt(port));
    }

    private static Path data() {
        String data = System.getProperty(DATA_PROPERTY);
        return data != null ? Path.of(data) : Path.of("").toAbsolutePath().resolve("target").resolve("dev-postgres");
    }

    /**
     * New sessions of the application's database read-only (as a demoted primary looks to its clients) and every
     * other session of it ended, or read-write again.
     */
    static void readOnly(boolean readOnly) {
        // Bounded: the page may ask while the server is frozen.
        String url = "jdbc:postgresql://127.0.0.1:" + server().port() + "/" + DATABASE
                + "?connectTimeout=5&socketTimeout=10";
        try (Connection c = DriverManager.getConnection(url, USER, ""); Statement s = c.createStatement()) {
            // This session itself may have started read-only.
            s.execute("SET default_transaction_read_only = off");
            s.execute("ALTER DATABASE " + DATABASE + " SET default_transaction_read_only = " + readOnly);
            if (readOnly) {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + DATABASE
                        + "' AND pid <> pg_backend_pid()");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not make the dev database " + (readOnly ? "read-only" : "writable")
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * The server of an earlier session if it still runs (a dev JVM that was killed); otherwise that cluster started
     * on its port, or on a new one if something else took it; otherwise a new cluster.
     */
    private static LocalPostgres start(Path data) {
        Optional<Integer> running = runningPort(data);
        if (running.isPresent()) {
            return new LocalPostgres(data, running.get());
        }
        Path conf = data.resolve("postgresql.conf");
        Optional<Integer> kept = configuredPort(conf);
        LocalPostgres server;
        if (kept.isEmpty()) {
            server = new LocalPostgres(data, LocalPostgres.freePort());
            server.init();
        } else if (isFree(kept.get())) {
            server = new LocalPostgres(data, kept.get());
        } else {
            server = new LocalPostgres(data, LocalPostgres.freePort());
            try {
                // The last setting wins.
                Files.writeString(conf, "port = " + server.port() + "\n", StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try {
            // A pid file left by a server that no longer runs would make the control think it does.
            Files.deleteIfExists(data.resolve("postmaster.pid"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.start();
        return server;
    }

    /** {@code postmaster.pid}: the pid on line 1, the port on line 4, of a server that is still alive. */
    private static Optional<Integer> runningPort(Path data) {
        try {
            List<String> lines = Files.readAllLines(data.resolve("postmaster.pid"));
            long pid = Long.parseLong(lines.get(0).trim());
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            return alive ? Optional.of(Integer.parseInt(lines.get(3).trim())) : Optional.empty();
        } catch (IOException | IndexOutOfBoundsException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The last {@code port = N} line that {@code pg init} (or an earlier session) wrote. */
    private static Optional<Integer> configuredPort(Path conf) {
        try {
            return Files.readAllLines(conf).stream().filter(line -> line.matches("port = \\d+"))
                    .reduce((first, second) -> second).map(line -> Integer.parseInt(line.substring(7)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
