package io.creditrobot.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.creditrobot.testsupport.Http;
import io.creditrobot.testsupport.PackagedApp;
import io.creditrobot.testsupport.Slack;
import io.creditrobot.testsupport.TestDatabase;

/**
 * Connections that hold one of the server's sockets without completing a request are closed by the idle timeout
 * ({@code quarkus.http.idle-timeout}: 15 s in production, {@link #IDLE} injected here, on both ports): one that sends
 * nothing, and one that sends its request head a byte at a time (slowloris), which the server does not count as
 * activity until the whole head has arrived. Each is closed within the timeout plus the suite's slack, and not
 * before most of it has passed (this timer, not another refusal). A connection that completes its requests in time
 * is served as usual. {@code IdleTimeoutTest} checks the production value against the slowest request it must let
 * finish.
 */
class ConnectionDeadlineIT {

    static final Duration IDLE = Duration.ofSeconds(3);
    /** A byte every half second: well inside the timeout, so only a deadline on the whole head can close it. */
    static final Duration SLOW_BYTE = Duration.ofMillis(500);

    @Test
    void silentAndSlowlorisConnectionsAreClosedAtTheIdleTimeoutOnBothPorts() throws Exception {
        try (TestDatabase db = TestDatabase.create();
                PackagedApp app = PackagedApp.launch("connection-deadline", db,
                        Map.of("quarkus.http.idle-timeout", IDLE.toSeconds() + "s",
                                "quarkus.management.idle-timeout", IDLE.toSeconds() + "s"))) {
            await("started").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Http.get(app.managementUrl("/q/health/started")).status() == 200);
            int api = URI.create(app.url("/")).getPort();
            int management = URI.create(app.managementUrl("/")).getPort();

            CompletableFuture<Long> silentApi = CompletableFuture.supplyAsync(() -> closedAfterMs(api, ""));
            CompletableFuture<Long> silentManagement = CompletableFuture
                    .supplyAsync(() -> closedAfterMs(management, ""));
            CompletableFuture<Long> slowloris = CompletableFuture.supplyAsync(() -> closedAfterMs(api,
                    "GET /api/applications HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(60)));
            long timeout = Slack.millis(IDLE) + SLOW_BYTE.toMillis();
            assertClosedAtTheIdleTimeout("a silent API connection", silentApi.get(timeout, TimeUnit.MILLISECONDS));
            assertClosedAtTheIdleTimeout("a silent management connection",
                    silentManagement.get(timeout, TimeUnit.MILLISECONDS));
            assertClosedAtTheIdleTimeout("a slowloris", slowloris.get(timeout, TimeUnit.MILLISECONDS));

            assertEquals(200, Http.get(app.managementUrl("/q/health/live")).status(), "served as usual meanwhile");
        }
    }

    private static void assertClosedAtTheIdleTimeout(String what, long closedAfterMs) {
        System.out.printf("%s: closed by the server after %d ms (idle timeout %d ms)%n", what, closedAfterMs,
                IDLE.toMillis());
        assertTrue(closedAfterMs >= IDLE.toMillis() / 2 && closedAfterMs <= Slack.millis(IDLE),
                what + " closed after " + closedAfterMs + " ms, idle timeout " + IDLE.toMillis() + " ms");
    }

    /**
     * Connects and sends {@code head} one byte per {@link #SLOW_BYTE} (nothing when empty), never finishing it; the ms
     * until the server closed the connection (end of stream, or a reset on read or write), or -1 if it never did.
     */
    private static long closedAfterMs(int port, String head) {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout((int) SLOW_BYTE.toMillis());
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] bytes = head.getBytes(StandardCharsets.ISO_8859_1);
            long deadline = start + Duration.ofMillis(Slack.millis(IDLE)).toNanos();
            for (int i = 0; System.nanoTime() < deadline; i++) {
                if (i < bytes.length) {
                    out.write(bytes[i]);
                    out.flush();
                }
                try {
                    if (in.read() == -1) {
                        return Http.elapsedMillis(start);
                    }
                } catch (SocketTimeoutException e) {
                    // Nothing yet, as expected: the next byte.
                }
            }
            return -1;
        } catch (IOException e) {
            // A reset: closed by the server while we wrote or read.
            return Http.elapsedMillis(start);
        }
    }
}
