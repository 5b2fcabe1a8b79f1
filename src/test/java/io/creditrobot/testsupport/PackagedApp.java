package io.creditrobot.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The packaged application ({@code target/quarkus-app/quarkus-run.jar}) as an operating system process, for tests
 * that need what {@code @QuarkusIntegrationTest} does not give: its pid, a SIGTERM, a start without its database.
 * Free ports on loopback; output in {@code target/logs/<name>-<launch>.log}.
 */
public final class PackagedApp implements AutoCloseable {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final AtomicInteger LAUNCHES = new AtomicInteger();
    private static final Path JVM_ARGS = Path.of("src", "main", "docker", "jvm.args");

    private final Process process;
    private final int httpPort;
    private final int managementPort;
    private final Path log;
    private final Instant launchedAt;

    private PackagedApp(Process process, int httpPort, int managementPort, Path log, Instant launchedAt) {
        this.process = process;
        this.launchedAt = launchedAt;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        this.log = log;
    }

    /** Starts the jar against {@code database} with extra {@code -D} settings; returns at once (not yet started). */
    public static PackagedApp launch(String name, TestDatabase database, Map<String, String> settings)
            throws IOException {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run the package phase first");
        }
        int http = ManagementPortResource.freePort();
        int management = ManagementPortResource.freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        // The image's JVM options (C1 only, serial GC: a start that costs a loaded 2-core machine less), with a
        // fixed heap rather than half of this machine's memory.
        List<String> command = new ArrayList<>(List.of(java, "@" + JVM_ARGS.toAbsolutePath(), "-Xmx256m",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + http,
                "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=" + management));
        database.datasourceConfig().forEach((k, v) -> command.add("-D" + k + "=" + v));
        Tokens.applicationConfig().forEach((k, v) -> command.add("-D" + k + "=" + v));
        // Faults injected back to back would count as flapping and mute the lines the tests check (application.properties
        // says the same for %test); a test's own settings come after and may set it back.
        command.add("-Dcreditrobot.health.journal.flapping-transitions=1000");
        // The issuer (in this JVM) is fetched every 3 s, not 10: a fetch that failed on a loaded machine is retried
        // within the fault matrix's recovery bound.
        command.add("-Dcreditrobot.health.identity-provider.interval=3s");
        settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", JAR.toString()));
        // One file per launch, kept for LogAuditIT (a name launched again does not overwrite the last one's log).
        Files.createDirectories(LogAudit.KEPT);
        Path log = LogAudit.KEPT.resolve(name + "-" + LAUNCHES.incrementAndGet() + ".log");
        Instant launchedAt = Instant.now();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new PackagedApp(process, http, management, log, launchedAt);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    public String managementUrl(String path) {
        return "http://127.0.0.1:" + managementPort + path;
    }

    /** The wall-clock time just before the process was started: its runtime cannot have started earlier. */
    public Instant launchedAt() {
        return launchedAt;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, as Kubernetes and Docker send it. */
    public void terminate() {
        process.destroy();
    }

    /** Waits for the process to exit; true when it did within {@code timeout}. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
