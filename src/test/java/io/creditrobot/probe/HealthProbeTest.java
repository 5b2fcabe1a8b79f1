package io.creditrobot.probe;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.creditrobot.testsupport.RestoresTestDatabase;
import io.creditrobot.testsupport.ManagementPortResource;
import io.creditrobot.testsupport.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.creditrobot.testsupport.Slack;

/** The built-in probe against the running application and against peers that misbehave. */
@ExtendWith(RestoresTestDatabase.class)
@QuarkusTest
class HealthProbeTest {

    /** What one run of the probe did. */
    record Run(int exit, String output, long millis) {
    }

    static Run probe(Map<String, String> env, String... args) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int exit = HealthProbe.run(args, env, new PrintStream(buffer, true, StandardCharsets.UTF_8));
        return new Run(exit, buffer.toString(StandardCharsets.UTF_8).strip(), (System.nanoTime() - start) / 1_000_000);
    }

    static Map<String, String> management() {
        String url = ManagementPortResource.url("");
        return Map.of("HEALTHCHECK_PORT", url.substring(url.lastIndexOf(':') + 1));
    }

    @Test
    void exitsZeroWithOneLineWhenLivenessIsUp() {
        Run run = probe(management());
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.output().startsWith("HEALTHY HTTP 200 UP"), run.output());
        assertTrue(run.output().contains("/q/health/live"), run.output());
        assertEquals(1, run.output().lines().count(), "one line for Docker's health log");
    }

    @Test
    void exitsOneNamingTheDownChecksWhenReadinessIsDown() {
        TestDatabase.current().stop();
        await().atMost(Duration.ofMillis(Slack.millis(3000))).until(() -> probe(management(), "ready").exit() == 1);
        Run run = probe(management(), "ready");
        assertEquals(1, run.exit(), run.output());
        assertTrue(run.output().contains("HTTP 503 DOWN (down: database"), run.output());
        assertEquals(0, probe(management(), "live").exit(), "liveness ignores the database");
    }

    @Test
    void absoluteUrlsAndTheSeedsEnvironmentVariablesAreHonoured() {
        String health = ManagementPortResource.url("/q/health/started");
        assertEquals(0, probe(Map.of(), health).exit());
        Map<String, String> env = Map.of("HEALTHCHECK_HOST", "127.0.0.1",
                "HEALTHCHECK_PORT", management().get("HEALTHCHECK_PORT"), "HEALTHCHECK_PATH", "/q/health/started");
        Run run = probe(env);
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("/q/health/started"), run.output());
        // Any path but the three probes is the operator's: the probe, with no credentials, reads its 401.
        Run missing = probe(Map.of(), ManagementPortResource.url("/q/no-such-thing"));
        assertEquals(1, missing.exit(), missing.output());
        assertTrue(missing.output().contains("HTTP 401"), missing.output());
    }

    @Test
    void exitsOneWhenRefused() throws IOException {
        int unused;
        try (ServerSocket socket = new ServerSocket(0)) {
            unused = socket.getLocalPort();
        }
        Run run = probe(Map.of("HEALTHCHECK_PORT", String.valueOf(unused)));
        assertEquals(1, run.exit(), run.output());
        assertTrue(run.output().contains("connection refused"), run.output());
    }

    @Test
    void exitsOneWithinItsTimeoutWhenThePeerAcceptsButNeverAnswers() throws IOException {
        try (ServerSocket silent = new ServerSocket(0)) {
            Run run = probe(Map.of("HEALTHCHECK_PORT", String.valueOf(silent.getLocalPort())), "--timeout=300ms");
            assertEquals(1, run.exit(), run.output());
            assertTrue(run.output().contains("no answer within 300 ms"), run.output());
            assertTrue(run.millis() >= 250 && run.millis() < Slack.millis(300), "gave up after " + run.millis() + " ms");
        }
    }

    @Test
    void exitsOneOnAMalformedAnswer() throws Exception {
        try (ServerSocket garbage = new ServerSocket(0)) {
            Thread peer = new Thread(() -> {
                try (Socket s = garbage.accept()) {
                    s.getOutputStream().write("SSH-2.0-not-http\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                    // the probe's side of the test reports the outcome
                }
            });
            peer.start();
            Run run = probe(Map.of("HEALTHCHECK_PORT", String.valueOf(garbage.getLocalPort())));
            peer.join(5000);
            assertEquals(1, run.exit(), run.output());
            assertTrue(run.output().contains("malformed answer"), run.output());
        }
    }

    @Test
    void badArgumentsPrintUsageAndExitOneNeverTwo() {
        for (String[] args : new String[][] { { "sideways" }, { "--timeout=soon" }, { "--verbose" },
                { "live", "ready" }, { "--timeout=0ms" }, { "ftp://example.com/x" } }) {
            Run run = probe(Map.of(), args);
            assertEquals(1, run.exit(), String.join(" ", args) + ": " + run.output());
            assertTrue(run.output().contains("usage: healthcheck"), run.output());
        }
        Run badPort = probe(Map.of("HEALTHCHECK_PORT", "nine"));
        assertEquals(1, badPort.exit());
        assertTrue(badPort.output().contains("usage: healthcheck"), badPort.output());
    }

    @Test
    void theOutputStaysOneShortLineWhateverThePeerSends() throws Exception {
        try (ServerSocket verbose = new ServerSocket(0)) {
            Thread peer = new Thread(() -> {
                try (Socket s = verbose.accept()) {
                    s.getInputStream().read(new byte[1024]);
                    StringBuilder body = new StringBuilder("{\"status\":\"DOWN\",\"checks\":[");
                    for (int i = 0; i < 500; i++) {
                        body.append(i == 0 ? "" : ",").append("{\"name\":\"check-").append(i)
                                .append("\",\"status\":\"DOWN\"}");
                    }
                    body.append("]}");
                    s.getOutputStream().write(("HTTP/1.1 503 Service Unavailable\r\nContent-Length: " + body.length()
                            + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                    // the probe's side of the test reports the outcome
                }
            });
            peer.start();
            Run run = probe(Map.of("HEALTHCHECK_PORT", String.valueOf(verbose.getLocalPort())));
            peer.join(5000);
            assertEquals(1, run.exit());
            assertEquals(1, run.output().lines().count());
            assertTrue(run.output().length() <= HealthProbe.MAX_LINE, run.output().length() + " characters");
        }
    }
}
