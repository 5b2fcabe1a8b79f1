package io.creditrobot.kubernetes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import io.creditrobot.testsupport.PackagedApp;
import io.creditrobot.testsupport.SimulatedKubelet;
import io.creditrobot.testsupport.SimulatedKubelet.Probe;
import io.creditrobot.testsupport.TestDatabase;

/**
 * The generated manifest's probes, run with kubelet's semantics against the packaged jar and the real PostgreSQL:
 * the numbers in target/kubernetes/kubernetes.yml must keep a database outage from restarting the pod and must
 * restart a frozen one. Periods are scaled by {@link #PERIOD_SCALE}; timeouts are real.
 */
class KubeletSemanticsIT {

    static final Path MANIFEST = Path.of("target", "kubernetes", "kubernetes.yml");
    static final double PERIOD_SCALE = 0.2;
    static final int MANAGEMENT_PORT = 9000;

    static Probe startup;
    static Probe liveness;
    static Probe readiness;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void readManifest() throws IOException {
        Map<String, Object> container = null;
        try (InputStream in = Files.newInputStream(MANIFEST)) {
            for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(in)) {
                Map<String, Object> resource = (Map<String, Object>) doc;
                if (resource != null && "Deployment".equals(resource.get("kind"))) {
                    Map<String, Object> spec = (Map<String, Object>) resource.get("spec");
                    Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) spec.get("template"))
                            .get("spec");
                    container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
                }
            }
        }
        assertNotNull(container, "a Deployment in " + MANIFEST);
        startup = probe("startup", container);
        liveness = probe("liveness", container);
        readiness = probe("readiness", container);
        for (Probe p : List.of(startup, liveness, readiness)) {
            assertEquals(MANAGEMENT_PORT, p.port(), p.kind() + " probes the management port");
        }
    }

    @SuppressWarnings("unchecked")
    static Probe probe(String kind, Map<String, Object> container) {
        Map<String, Object> probe = (Map<String, Object>) container.get(kind + "Probe");
        assertNotNull(probe, kind + "Probe in the manifest");
        Map<String, Object> get = (Map<String, Object>) probe.get("httpGet");
        Object port = get.get("port");
        int number = port instanceof Integer i ? i : portByName(container, String.valueOf(port));
        return new Probe(kind, (String) get.get("path"), number, intOf(probe, "periodSeconds", 10),
                intOf(probe, "timeoutSeconds", 1), intOf(probe, "failureThreshold", 3),
                intOf(probe, "successThreshold", 1), intOf(probe, "initialDelaySeconds", 0));
    }

    @SuppressWarnings("unchecked")
    static int portByName(Map<String, Object> container, String name) {
        for (Map<String, Object> p : (List<Map<String, Object>>) container.get("ports")) {
            if (name.equals(p.get("name"))) {
                return (Integer) p.get("containerPort");
            }
        }
        throw new AssertionError("no container port named " + name);
    }

    static int intOf(Map<String, Object> probe, String key, int kubernetesDefault) {
        Object v = probe.get(key);
        return v == null ? kubernetesDefault : ((Number) v).intValue();
    }

    /** A pod: the packaged jar on free ports, probed by a simulated kubelet (manifest port 9000 → the test's). */
    record Pod(PackagedApp app, SimulatedKubelet kubelet) implements AutoCloseable {
        static Pod start(String name, TestDatabase db) throws IOException {
            PackagedApp app = PackagedApp.launch(name, db, Map.of());
            SimulatedKubelet kubelet = new SimulatedKubelet(startup, liveness, readiness, PERIOD_SCALE,
                    port -> port == MANAGEMENT_PORT ? app.managementUrl("") : app.url(""));
            kubelet.start();
            return new Pod(app, kubelet);
        }

        void awaitReady() {
            await("pod Ready").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                    .until(kubelet::isReady);
        }

        @Override
        public void close() throws Exception {
            kubelet.close();
            app.close();
        }
    }

    @Test
    void theManifestCarriesTheChosenProbeValuesAndNoThirdPartyInitImage() throws IOException {
        String manifest = Files.readString(MANIFEST);
        assertEquals(new Probe("readiness", "/q/health/ready", 9000, 5, 2, 2, 1, 0), readiness);
        assertEquals(new Probe("liveness", "/q/health/live", 9000, 10, 2, 6, 1, 0), liveness);
        assertEquals(new Probe("startup", "/q/health/started", 9000, 2, 2, 60, 1, 0), startup);
        assertTrue(readiness.timeoutSeconds() * 1000 >= 2 * 500, "probe timeout well above the 500 ms deadline");
        assertTrue(manifest.contains("terminationGracePeriodSeconds: 35"), "grace > 5 s delay + 20 s drain");
        assertFalse(manifest.contains("initContainers"), "no init container");
        assertFalse(manifest.contains("kind: Job"), "no init Job");
        assertEquals(1, manifest.split("image: ", -1).length - 1, "the application's image only");
        assertTrue(manifest.contains("secretKeyRef"), "datasource from a Secret");
        assertFalse(manifest.contains("kind: ServiceMonitor"));
        assertTrue(manifest.contains("kind: PodDisruptionBudget") && manifest.contains("maxUnavailable: 1"),
                "at most one pod voluntarily disrupted at a time");
    }

    @Test
    void normalBootStartsThenBecomesReady() throws Exception {
        try (TestDatabase db = TestDatabase.create(); Pod pod = Pod.start("kubelet-boot", db)) {
            pod.awaitReady();
            report("1. normal boot", pod);
            List<String> events = pod.kubelet().events().stream().map(SimulatedKubelet.Event::what).toList();
            assertEquals(List.of("Started", "Ready"), events);
            assertFalse(pod.kubelet().isRestartDue());
        }
    }

    @Test
    void aStoppedDatabaseTakesThePodOutOfRotationWithoutARestartAndItReturns() throws Exception {
        try (TestDatabase db = TestDatabase.create(); Pod pod = Pod.start("kubelet-db-stopped", db)) {
            databaseOutage("2. database stopped", pod, db::stop, db::start);
        }
    }

    @Test
    void aFrozenDatabaseTakesThePodOutOfRotationWithinProbeTimeoutsAndItReturns() throws Exception {
        try (TestDatabase db = TestDatabase.create(); Pod pod = Pod.start("kubelet-db-frozen", db)) {
            databaseOutage("3. database frozen", pod, db::freeze, db::thaw);
            List<SimulatedKubelet.Attempt> timedOut = pod.kubelet().attempts().stream()
                    .filter(SimulatedKubelet.Attempt::timedOut).toList();
            assertEquals(List.of(), timedOut, "no probe attempt reached its timeoutSeconds");
        }
    }

    @Test
    void aFrozenProcessFailsLivenessUntilKubeletWouldRestartIt() throws Exception {
        try (TestDatabase db = TestDatabase.create(); Pod pod = Pod.start("kubelet-process-frozen", db)) {
            pod.awaitReady();
            long pid = pod.app().pid();
            signal("-STOP", pid);
            try {
                long window = (long) ((liveness.periodSeconds() * PERIOD_SCALE + liveness.timeoutSeconds())
                        * liveness.failureThreshold() * 1000) + 10_000;
                await("liveness threshold").atMost(Duration.ofMillis(window)).until(pod.kubelet()::isRestartDue);
            } finally {
                signal("-CONT", pid);
            }
            report("4. process frozen", pod);
            assertTrue(pod.kubelet().events().stream().anyMatch(e -> e.what().startsWith("Restart (liveness")));
        }
    }

    /**
     * The pod is Ready; the fault leaves it NotReady for longer than the liveness window, without one liveness
     * failure; after the recovery it is Ready again.
     */
    private static void databaseOutage(String scenario, Pod pod, Runnable fault, Runnable recovery) {
        pod.awaitReady();
        long from = pod.kubelet().nowMs();
        fault.run();
        try {
            await("NotReady").atMost(Duration.ofSeconds(30)).until(() -> !pod.kubelet().isReady());
            holdOutage(pod);
        } finally {
            recovery.run();
        }
        await("Ready again").atMost(Duration.ofSeconds(30)).until(pod.kubelet()::isReady);
        report(scenario, pod);
        assertFalse(pod.kubelet().isRestartDue(), "liveness never reached its failure threshold");
        assertEquals(0, pod.kubelet().failures("liveness", from), "liveness never failed during the outage");
    }

    /** Keeps the outage for twice the readiness failure window and the liveness window, scaled. */
    private static void holdOutage(Pod pod) {
        long readinessWindow = (long) (readiness.periodSeconds() * PERIOD_SCALE * readiness.failureThreshold() * 1000);
        long livenessWindow = (long) (liveness.periodSeconds() * PERIOD_SCALE * liveness.failureThreshold() * 1000);
        long until = pod.kubelet().nowMs() + Math.max(2 * readinessWindow, livenessWindow + 1000);
        await("outage held").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> pod.kubelet().nowMs() >= until);
        assertFalse(pod.kubelet().isReady(), "still out of rotation during the outage");
    }

    private static void report(String scenario, Pod pod) {
        System.out.printf("kubelet simulation, %s (periods x%.1f):%n%s", scenario, PERIOD_SCALE,
                pod.kubelet().timeline());
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kill", signal, String.valueOf(pid)));
        Process p = new ProcessBuilder("sh", "-c", String.join(" ", command)).start();
        assertTrue(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0, "kill " + signal);
    }
}
