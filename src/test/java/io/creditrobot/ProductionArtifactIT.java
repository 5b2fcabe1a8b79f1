package io.creditrobot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The production artifact links only what the production class path has: a native build links every reachable
 * class at build time ({@code --link-at-build-time}), so one class of ours that names a dev- or test-only class (a
 * {@code provided} or {@code test} dependency) stops every GraalVM or Mandrel build. This finds that without a
 * GraalVM: {@code jdeps --missing-deps} over the application's classes (ours and those Quarkus generated), resolved
 * against exactly the libraries in {@code target/quarkus-app}. And the jar holds none of the dev-only code.
 */
class ProductionArtifactIT {

    private static final Path APP = Path.of("target", "quarkus-app");

    @Test
    void everyApplicationClassResolvesAgainstTheProductionClassPath() throws IOException, InterruptedException {
        // A native build (-Dnative) is the real check itself, and its generated classes carry GraalVM substitutions
        // that only the native-image builder resolves: this guard is for the JVM build, which every CI run makes.
        assumeFalse(Files.readString(Path.of("target", "quarkus-artifact.properties")).contains("type=native"),
                "the artifact is a native executable: its build linked every class at build time");
        List<Path> ours = List.of(single(APP.resolve("app")), APP.resolve("quarkus").resolve("generated-bytecode.jar"));
        List<Path> libraries;
        try (Stream<Path> files = Files.walk(APP)) {
            libraries = files.filter(p -> p.toString().endsWith(".jar")).filter(p -> !ours.contains(p)).sorted()
                    .toList();
        }
        assertFalse(libraries.isEmpty(), "no libraries under " + APP);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jdeps")
                .toString(), "--multi-release", String.valueOf(Runtime.version().feature()), "--missing-deps",
                "--class-path", libraries.stream().map(Path::toString).collect(Collectors.joining(":"))));
        ours.forEach(jar -> command.add(jar.toString()));

        Path output = Files.createTempFile("jdeps", ".txt");
        Process jdeps = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertEquals(true, jdeps.waitFor(5, TimeUnit.MINUTES), "jdeps did not finish within 5 minutes");
        String report = Files.readString(output, StandardCharsets.UTF_8).strip();
        Files.delete(output);
        assertEquals(0, jdeps.exitValue(), "jdeps failed:\n" + report);
        List<String> missing = report.lines().filter(line -> line.contains("not found")).toList();
        assertEquals(List.of(), missing, "classes of the production artifact link classes that are not on its class "
                + "path (a native build fails on each):\n" + report);
    }

    /**
     * What only dev mode runs ({@code src/dev}: the embedded PostgreSQL, the dev issuer, the dev fault page) is not in
     * the packaged application: no class of {@code io.creditrobot.dev} and no configuration-source registration.
     */
    @Test
    void theApplicationJarHoldsNoDevOnlyCodeOrRegistration() throws IOException {
        List<String> entries;
        try (JarFile jar = new JarFile(single(APP.resolve("app")).toFile())) {
            entries = jar.stream().map(JarEntry::getName).toList();
        }
        assertTrue(entries.stream().anyMatch(e -> e.startsWith("io/creditrobot/health/")), "not the application's jar: "
                + entries);
        assertEquals(List.of(), entries.stream().filter(e -> e.startsWith("io/creditrobot/dev/")
                || e.startsWith("META-INF/services/io.smallrye.config.")).toList(), "dev-only entries in the jar");
    }

    private static Path single(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> jars = files.filter(p -> p.toString().endsWith(".jar")).toList();
            assertEquals(1, jars.size(), "one application jar in " + directory + ": " + jars);
            return jars.get(0);
        }
    }
}
