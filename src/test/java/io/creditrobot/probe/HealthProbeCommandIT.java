package io.creditrobot.probe;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.creditrobot.testsupport.Http;
import io.creditrobot.testsupport.PackagedApp;
import io.creditrobot.testsupport.TestDatabase;
import io.creditrobot.testsupport.Slack;

/**
 * The packaged application's {@code healthcheck} command against the running application, in both forms: as the JVM
 * image's HEALTHCHECK runs it (the {@code @QuarkusMain} class straight from the application jar, with the image's
 * probe options) and as {@code java -jar quarkus-run.jar healthcheck}. Exit codes, no Quarkus boot, and the exec time
 * of each.
 *
 * <p>
 * It also trains the probe's start-up archive, as the image uses it: one probe of the live application records
 * {@code target/quarkus-app/probe.aot} (JDK 25+: an AOT cache) or {@code probe.jsa} (older JDKs: a dynamic AppCDS
 * archive), and a probe that must map it ({@code -XX:AOTMode=on} / {@code -Xshare:on}, which fail rather than fall
 * back) proves it usable by this JDK.
 */
class HealthProbeCommandIT {

    record Exec(int exit, String output, long millis) {
    }

    /** The probe's JVM options, as the JVM image's HEALTHCHECK reads them. */
    static final String PROBE_OPTIONS = "@" + Path.of("src", "main", "docker", "probe.args").toAbsolutePath();
    /** The probe runs in the application's directory, as in the image (WORKDIR /deployments). */
    static final Path APP = Path.of("target", "quarkus-app").toAbsolutePath();
    static final boolean AOT_CACHE = Runtime.version().feature() >= 25;
    static final Path PROBE_ARCHIVE = APP.resolve(AOT_CACHE ? "probe.aot" : "probe.jsa");

    /** The JVM image's HEALTHCHECK command line (Dockerfile.jvm): the class path relative to the application. */
    static final List<String> IMAGE_FORM = List.of("-cp", "app/*", "io.creditrobot.CreditRobotMain");
    static final List<String> JAR_FORM = List.of("-jar", "quarkus-run.jar");

    static Exec healthcheck(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return healthcheck(IMAGE_FORM, env, args);
    }

    static Exec healthcheck(List<String> form, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        return healthcheck(List.of(), form, env, args);
    }

    static Exec healthcheck(List<String> archive, List<String> form, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, PROBE_OPTIONS));
        command.addAll(archive);
        command.addAll(form);
        command.add("healthcheck");
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(APP.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        long start = System.nanoTime();
        Process process = builder.start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the probe ends by itself");
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new Exec(process.exitValue(), new String(process.getInputStream().readAllBytes()).strip(), millis);
    }

    private static void report(String name, List<String> archive, List<String> form, Map<String, String> env)
            throws Exception {
        long[] times = new long[11];
        for (int i = 0; i < times.length; i++) {
            times[i] = healthcheck(archive, form, env, "live").millis();
        }
        Arrays.sort(times);
        System.out.printf("healthcheck command (JVM mode, %s): median %d ms, min %d ms, max %d ms over %d runs%n",
                name, times[times.length / 2], times[0], times[times.length - 1], times.length);
    }

    @Test
    void theJarsHealthcheckCommandProbesWithoutBootingQuarkus() throws Exception {
        try (TestDatabase db = TestDatabase.create();
                PackagedApp app = PackagedApp.launch("healthcheck-command", db, Map.of())) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Http.get(app.managementUrl("/q/health/ready")).status() == 200);
            String port = app.managementUrl("").substring(app.managementUrl("").lastIndexOf(':') + 1);
            Map<String, String> env = Map.of("HEALTHCHECK_PORT", port);

            Exec up = healthcheck(env);
            assertEquals(0, up.exit(), up.output());
            assertTrue(up.output().startsWith("HEALTHY HTTP 200 UP"), up.output());
            assertFalse(up.output().contains("Quarkus") || up.output().contains("__  ____"),
                    "no Quarkus boot in the probe: " + up.output());

            // Train the probe's archive on a healthy answer, the path the HEALTHCHECK takes all day long. On JDK 25 the
            // cache is assembled under G1, the one collector that can write Java objects into it (JDK 25): with them
            // the module graph and the JDK's own lambdas come ready-made; the Serial GC of probe.args loads them.
            Files.deleteIfExists(PROBE_ARCHIVE);
            Exec training = healthcheck(AOT_CACHE
                    ? List.of("-XX:-UseSerialGC", "-XX:+UseG1GC", "-XX:AOTCacheOutput=" + PROBE_ARCHIVE)
                    : List.of("-XX:ArchiveClassesAtExit=" + PROBE_ARCHIVE), IMAGE_FORM, env, "live");
            assertTrue(training.output().contains("HEALTHY HTTP 200 UP"), training.output());
            assertTrue(Files.size(PROBE_ARCHIVE) > 0, PROBE_ARCHIVE + " written");
            Exec strict = healthcheck(strictly(PROBE_ARCHIVE), IMAGE_FORM, env, "live");
            assertEquals(0, strict.exit(), "the probe maps its archive: " + strict.output());
            assertTrue(strict.output().startsWith("HEALTHY HTTP 200 UP"), strict.output());

            db.stop();
            await().atMost(Duration.ofMillis(Slack.millis(3000))).until(() -> healthcheck(env, "ready").exit() == 1);
            Exec ready = healthcheck(env, "ready");
            assertEquals(1, ready.exit(), ready.output());
            assertTrue(ready.output().contains("HTTP 503 DOWN"), ready.output());
            assertEquals(0, healthcheck(env, "live").exit(), "liveness ignores the database");

            Exec viaJar = healthcheck(JAR_FORM, env, "live");
            assertEquals(0, viaJar.exit(), "java -jar quarkus-run.jar healthcheck works too: " + viaJar.output());

            Exec usage = healthcheck(Map.of(), "--nonsense");
            assertEquals(1, usage.exit(), usage.output());
            assertTrue(usage.output().contains("usage: healthcheck"), usage.output());

            report("image HEALTHCHECK form, with " + PROBE_ARCHIVE.getFileName(), strictly(PROBE_ARCHIVE),
                    IMAGE_FORM, env);
            report("image HEALTHCHECK form, no archive", List.of(), IMAGE_FORM, env);
            report("java -jar form", List.of(), JAR_FORM, env);
        }
    }

    /** Options that use {@code archive} or make the JVM fail to start: never a silent fallback. */
    static List<String> strictly(Path archive) {
        return AOT_CACHE ? List.of("-XX:AOTCache=" + archive, "-XX:AOTMode=on")
                : List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:on");
    }
}
