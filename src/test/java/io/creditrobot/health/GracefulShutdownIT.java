package io.creditrobot.health;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.creditrobot.testsupport.Http;
import io.creditrobot.testsupport.PackagedApp;
import io.creditrobot.testsupport.TestDatabase;
import io.creditrobot.testsupport.Tokens;

/** SIGTERM under load: readiness DOWN at once, accepted requests complete, the process exits within its grace. */
class GracefulShutdownIT {

    static final Duration DELAY = Duration.ofSeconds(2);
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /**
     * Readiness must say DOWN while the delay still keeps the application serving, so that a load balancer sees it
     * before the drain: within half the delay, which holds on a loaded 2-core machine (it takes tens of ms here).
     */
    static final long READINESS_DOWN_BOUND_MS = DELAY.dividedBy(2).toMillis();

    /** One request on its own connection: an HTTP status, or -1 when no connection could be made (server gone). */
    record Outcome(long sentNanos, int status, String failure) {
    }

    @Test
    void sigtermTurnsReadinessDownAtOnceLetsInFlightRequestsCompleteAndExitsWithinGrace() throws Exception {
        try (TestDatabase db = TestDatabase.create();
                PackagedApp app = PackagedApp.launch("graceful-shutdown", db, Map.of(
                        "quarkus.shutdown.delay", DELAY.toSeconds() + "s",
                        "quarkus.shutdown.timeout", TIMEOUT.toSeconds() + "s"))) {
            await("ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Http.get(app.managementUrl("/q/health/ready")).status() == 200);

            List<Outcome> outcomes = new CopyOnWriteArrayList<>();
            AtomicBoolean load = new AtomicBoolean(true);
            ExecutorService clients = Executors.newFixedThreadPool(8);
            for (int i = 0; i < 8; i++) {
                clients.execute(() -> {
                    // Bounded: stops when told, or after 30 s whatever happens.
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (load.get() && System.nanoTime() < until) {
                        outcomes.add(request(app.url("/api/applications?size=5")));
                    }
                });
            }
            Thread.sleep(1000); // let the load run before the signal

            app.terminate();
            long sigterm = System.nanoTime();
            Http.Answer firstReady;
            do {
                firstReady = Http.get(app.managementUrl("/q/health/ready"));
            } while (firstReady.status() == 200 && Http.elapsedMillis(sigterm) < 5000);
            long readinessDownAfter = Http.elapsedMillis(sigterm);

            boolean exited = app.awaitExit(DELAY.plus(TIMEOUT).plusSeconds(5));
            long exitAfter = Http.elapsedMillis(sigterm);
            load.set(false);
            clients.shutdown();
            assertTrue(clients.awaitTermination(40, TimeUnit.SECONDS));

            long servedAfterSigterm = outcomes.stream().filter(o -> o.sentNanos() > sigterm && o.status() > 0).count();
            // Every HTTP answer is 2xx. A request sent before the delay ended was accepted and must complete; after the
            // delay the server stops listening, so a connection refused or reset before any byte was read is expected
            // (load balancers stopped sending during the delay: that is what the delay is for).
            long delayEnd = sigterm + DELAY.toNanos();
            List<Outcome> bad = outcomes.stream()
                    .filter(o -> o.status() > 0 ? o.status() < 200 || o.status() > 299 : o.sentNanos() < delayEnd)
                    .toList();
            long turnedAway = outcomes.stream().filter(o -> o.status() < 0).count();
            System.out.printf("graceful shutdown: readiness %d %d ms after SIGTERM, %d requests served after it, "
                    + "%d turned away after the delay, exit after %d ms (delay %s, timeout %s)%n", firstReady.status(),
                    readinessDownAfter, servedAfterSigterm, turnedAway, exitAfter, DELAY, TIMEOUT);
            assertEquals(503, firstReady.status(), firstReady.body());
            assertTrue(readinessDownAfter <= READINESS_DOWN_BOUND_MS, "DOWN " + readinessDownAfter + " ms after SIGTERM");
            assertEquals(List.of(), bad, "every request sent before the delay ended completed with 2xx");
            assertTrue(servedAfterSigterm > 0, "the application kept serving during the shutdown delay");
            assertTrue(exited, "exited within delay + timeout");
        }
    }

    /** One token for the whole load: signing one per request would cost the load generator time. */
    private static final String BEARER = Tokens.bearer();

    private static Outcome request(String url) {
        long sent = System.nanoTime();
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
            connection.setRequestProperty("Connection", "close");
            connection.setRequestProperty("Authorization", BEARER);
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(20000);
            int status = connection.getResponseCode();
            connection.getInputStream().readAllBytes();
            return new Outcome(sent, status, null);
        } catch (java.net.ConnectException e) {
            return new Outcome(sent, -1, "refused");
        } catch (IOException e) {
            return new Outcome(sent, -2, e.toString());
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }
}
