package io.creditrobot.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.creditrobot.dev.LocalPostgres;

/**
 * The test suite's real PostgreSQL and the faults a test can inject into it: {@link #stop()}, {@link #start()},
 * {@link #freeze()} (SIGSTOP every PostgreSQL process, by pid) and {@link #thaw()}.
 *
 * <p>
 * The server is a {@link LocalPostgres} (the project's one PostgreSQL control, shared with dev mode). All state is
 * kept in system properties, because Quarkus loads test classes and test resources in different class loaders of the same
 * JVM: {@link #current()} works from either.
 *
 * <p>
 * The application connects as its own role with a SCRAM password (not the trust-authenticated superuser), so a
 * wrong password fails as it would in production and tests can check that the password never leaks.
 */
public final class TestDatabase implements AutoCloseable {

    public static final String DATABASE = "creditrobot";
    public static final String USER = "creditrobot";

    private static final String PREFIX = "creditrobot.test.postgres.";

    private final LocalPostgres server;
    private final Path data;
    private final int port;
    private final String password;

    private TestDatabase(Path data, int port, String password) {
        this.server = new LocalPostgres(data, port);
        this.data = data;
        this.port = port;
        this.password = password;
    }

    /** The database the running test resource started. */
    public static TestDatabase current() {
        String data = System.getProperty(PREFIX + "data");
        if (data == null) {
            throw new IllegalStateException("No test PostgreSQL: is the test annotated for EmbeddedPostgresResource?");
        }
        return new TestDatabase(Path.of(data), Integer.parseInt(System.getProperty(PREFIX + "port")),
                System.getProperty(PREFIX + "password"));
    }

    /**
     * Creates a fresh cluster on a free loopback port with the application's role and database; leaves it running.
     * The caller owns it ({@link #close()}); {@link #current()} does not see it unless it is {@link #register()}ed.
     */
    public static TestDatabase create() throws IOException {
        // Distinctive, so that a test can search every health body and log line for it.
        return create("Pw-" + UUID.randomUUID().toString().replace("-", "") + "-NeverLogMe");
    }

    /** As {@link #create()}, with the application role's password given (two servers behind one JDBC URL). */
    public static TestDatabase create(String password) throws IOException {
        TestDatabase db = new TestDatabase(Files.createTempDirectory("creditrobot-test-pg-"),
                LocalPostgres.freePort(), password);
        db.server.init();
        db.server.start();
        try (Connection c = db.superuserConnection("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + password + "'");
            s.execute("CREATE DATABASE " + DATABASE + " OWNER " + USER);
        } catch (SQLException e) {
            throw new IOException("Could not prepare the test database", e);
        }
        Path hba = db.data.resolve("pg_hba.conf");
        String scram = "host all " + USER + " 127.0.0.1/32 scram-sha-256\nhost all " + USER + " ::1/128 scram-sha-256\n";
        Files.writeString(hba, scram + Files.readString(hba));
        db.superuserExecute("postgres", "SELECT pg_reload_conf()");
        return db;
    }

    /** Makes this the database {@link #current()} returns, in every class loader of this JVM. */
    void register() {
        System.setProperty(PREFIX + "data", data.toString());
        System.setProperty(PREFIX + "port", String.valueOf(port));
        System.setProperty(PREFIX + "password", password);
    }

    void unregister() {
        for (String key : List.of("data", "port", "password")) {
            System.clearProperty(PREFIX + key);
        }
    }

    /** The settings that point the application at this database, as configuration properties. */
    public Map<String, String> datasourceConfig() {
        return Map.of(
                "quarkus.datasource.jdbc.url", jdbcUrl(),
                "quarkus.datasource.username", USER,
                "quarkus.datasource.password", password);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String password() {
        return password;
    }

    public int port() {
        return port;
    }

    /** Fast shutdown: the server closes every connection and stops listening (connections are refused). */
    public void stop() {
        server.stop();
    }

    /** Starts the stopped server on the same port with the same data. Returns when it accepts connections. */
    public void start() {
        server.start();
    }

    /**
     * SIGSTOPs the postmaster and every backend: the port still accepts TCP connections (the kernel completes the
     * handshake) but nothing ever answers, as with a hung or black-holed server. The postmaster goes first, so that
     * it forks nothing new while its children are being stopped.
     */
    public void freeze() {
        server.freeze();
    }

    /** SIGCONTs every PostgreSQL process; the server carries on where it was. */
    public void thaw() {
        server.thaw();
    }

    public boolean isRunning() {
        return server.isRunning();
    }

    /** Runs a query on the application's database as the application's role; the first column of the first row. */
    public long queryForLong(String sql) {
        try (Connection c = DriverManager.getConnection(jdbcUrl(), USER, password);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Query failed: " + sql, e);
        }
    }

    /** Runs a query as the application's role; the first column of every row, as text. */
    public List<String> queryForStrings(String sql) {
        try (Connection c = DriverManager.getConnection(jdbcUrl(), USER, password);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException("Query failed: " + sql, e);
        }
    }

    /** Runs statements on the application's database as the application's role (its owner), in autocommit. */
    public void execute(String... statements) {
        try (Connection c = DriverManager.getConnection(jdbcUrl(), USER, password); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Failed: " + String.join("; ", statements), e);
        }
    }

    /**
     * Makes new sessions read-only, or read-write again ({@code ALTER DATABASE … SET default_transaction_read_only}),
     * as a demoted primary looks to its clients; with {@code dropSessions}, every other session of the application's
     * database is terminated, so that clients must reconnect (as a failover forces them to).
     */
    public void readOnly(boolean readOnly, boolean dropSessions) {
        // This session may itself have started read-only: make it writable first.
        execute("SET default_transaction_read_only = off",
                "ALTER DATABASE " + DATABASE + " SET default_transaction_read_only = " + (readOnly ? "on" : "off"));
        if (dropSessions) {
            queryForLong("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '" + DATABASE
                    + "' AND pid <> pg_backend_pid()");
        }
    }

    /** Runs statements as the cluster's superuser (trust-authenticated on loopback) on {@code database}. */
    public void superuserExecute(String database, String... statements) {
        try (Connection c = superuserConnection(database); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Failed: " + String.join("; ", statements), e);
        }
    }

    /** A superuser session on {@code database}, for a test that holds it (a lock, a transaction). */
    public Connection superuserConnection(String database) throws SQLException {
        return server.superuserConnection(database);
    }

    /** Fast restart: every session is dropped, the server is back on the same port within about a second. */
    public void restart() {
        server.restart();
    }

    /**
     * Restarts the server as a hot standby in recovery ({@code standby.signal}, no primary to follow): it accepts
     * read-only sessions and refuses every write (25006), as a standby an application was pointed at does. Every
     * session is dropped. {@link #promote()} takes it back.
     */
    public void restartAsStandby() {
        stop();
        try {
            Files.writeString(data.resolve("standby.signal"), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        start();
    }

    /** Promotes a server in recovery ({@code pg_ctl promote}): it accepts writes again, sessions kept. */
    public void promote() {
        server.promote();
    }

    /** Stops the server and deletes its data. */
    @Override
    public void close() throws IOException {
        server.delete();
    }
}
