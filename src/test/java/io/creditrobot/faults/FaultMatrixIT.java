package io.creditrobot.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import io.creditrobot.faults.FaultMatrix.Fault;
import io.creditrobot.testsupport.HealthSchema;
import io.creditrobot.testsupport.Http;
import io.creditrobot.testsupport.PackagedApp;
import io.creditrobot.testsupport.Slack;
import io.creditrobot.testsupport.TestDatabase;
import io.creditrobot.testsupport.Tokens;

/**
 * Every row of {@link FaultMatrix}, on the packaged jar against a real PostgreSQL with SCRAM password
 * authentication on TCP: injected while the service runs (and, where the row says so, before it starts), readiness
 * must say the row's reason within the row's bound, the API must answer only the row's codes (never 500; every 503
 * with Retry-After; a refused POST stores nothing, an acknowledged one is in the database), the row's check must log
 * exactly one {@code UP -> DOWN} and one {@code DOWN -> UP} line and its gauge must read 0 meanwhile, and readiness must
 * be back within two intervals of the fault's end, without a restart. Every log line of every run is one JSON object
 * and none carries the password.
 *
 * <p>
 * All rows run, and every miss is reported at the end with the others; a table of the measured times is printed.
 * Shares nothing with the other integration tests, so it runs beside them (they run one after another).
 */
@Execution(ExecutionMode.CONCURRENT)
class FaultMatrixIT {

    /** Back UP after a restore: two intervals plus the slack now. */
    static Duration recovery() {
        return FaultMatrix.Limits.INTERVAL.multipliedBy(2).plus(Slack.slack());
    }
    /** API requests during a fault wait at most this long (a frozen server: the socket timeout is 10 s). */
    static final Duration API_TIMEOUT = Duration.ofSeconds(20);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TRANSITION = Pattern.compile("Health check '([\\w-]+)' (UP -> DOWN|DOWN -> UP)");
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final List<String> misses = new ArrayList<>();
    private final List<String> report = new ArrayList<>();

    @Test
    void everyFaultOfTheMatrixIsToldTruthfullyAndNothingIsLost() throws Exception {
        // The disk outlives the database on it: unmounted after the server has stopped.
        try (SmallDisk disk = SmallDisk.mount(Path.of("target", "fault-disk").toAbsolutePath());
                TestDatabase db = TestDatabase.create()) {
            // Few slots, so that "max_connections exhausted" fills them quickly: 20 for the pool, 1 for the monitor.
            db.superuserExecute("postgres", "ALTER SYSTEM SET max_connections = 40");
            db.restart();
            if (disk != null) {
                FaultLab.moveDatabaseTo(db, disk);
            }
            BlackHoleProxy proxy = new BlackHoleProxy(db.port());
            FaultLab lab = new FaultLab(db, proxy, disk);
            String storedId;
            try (proxy; PackagedApp app = PackagedApp.launch("fault-matrix", db, lab.applicationSettings())) {
                awaitReady(app, Duration.ofSeconds(60), "the first boot");
                HttpResponse<String> seeded = post(app, UUID.randomUUID().toString()).get(30, TimeUnit.SECONDS);
                assertEquals(201, seeded.statusCode(), seeded.body());
                storedId = JSON.readTree(seeded.body()).path("id").asText();
                for (Fault fault : FaultMatrix.ROWS) {
                    whileRunning(app, lab, fault, storedId);
                }
                // SIGTERM while the database is frozen: the drain ends, and the log stays one JSON object a line.
                db.freeze();
                app.terminate();
                expect(app.awaitExit(Duration.ofSeconds(60)), "SIGTERM with the database frozen", "exited");
                db.thaw();
                checkLog(app, db, "while running and at SIGTERM");
                for (Fault fault : FaultMatrix.ROWS) {
                    if (fault.atBoot()) {
                        atBoot(lab, fault);
                    }
                }
            }
        }
        System.out.println("Fault matrix (injection -> readiness answer, API codes, DOWN/UP lines, recovery):");
        report.forEach(line -> System.out.println("  " + line));
        assertEquals(List.of(), misses, "fault matrix rows missed their expectations");
    }

    private void whileRunning(PackagedApp app, FaultLab lab, Fault fault, String storedId) throws Exception {
        String row = fault.name();
        int logFrom = app.log().length();
        String key = UUID.randomUUID().toString();
        // Bounds run from the end of the injection (a restart or a filled accept queue takes a moment to inject).
        try {
            fault.inject().run(lab);
        } catch (FaultLab.NotHere why) {
            report.add(String.format("%-32s not run here: %s", row, why.getMessage()));
            return;
        }
        long injected = System.nanoTime();
        long seenMs = -1;
        CompletableFuture<HttpResponse<String>> postAnswer;
        CompletableFuture<HttpResponse<String>> getAnswer;
        if (fault.readiness().staysUp()) {
            // The API while the short fault lasts: sent at once, answered once it is over.
            postAnswer = post(app, key);
            getAnswer = get(app, "/api/applications/" + storedId);
            long until = System.nanoTime() + fault.lasts().toNanos();
            while (System.nanoTime() < until) {
                Http.Answer ready = Http.get(app.managementUrl("/q/health/ready"));
                expect(ready.status() == 200, row, "readiness stays UP: " + ready.status() + " " + ready.body());
                Thread.sleep(50); // probe pacing
            }
        } else {
            seenMs = awaitReadiness(app, fault, row, injected);
            if (fault.readiness().wellness()) {
                // A refusal of writes alone keeps every instance in rotation: the reads still work (README).
                Http.Answer ready = Http.get(app.managementUrl("/q/health/ready"));
                expect(ready.status() == 200, row, "readiness stays UP: " + ready.status() + " " + ready.body());
            }
            if (seenMs >= 0 && !fault.readiness().mayDip()) {
                // The watcher records what probes read within one watch-interval (the same 1 s as the monitor's).
                expect(gaugeReadsZero(app, fault.readiness().check(), FaultMatrix.Limits.INTERVAL.plus(Slack.slack())), row,
                        "the gauge of " + fault.readiness().check() + " reads 0 while DOWN");
            }
            // The API while the fault lasts, as readiness says it: answered whenever the service can answer.
            postAnswer = post(app, key);
            getAnswer = get(app, "/api/applications/" + storedId);
            CompletableFuture.allOf(postAnswer, getAnswer).completeOnTimeout(null, 3, TimeUnit.SECONDS).join();
            long holdMs = fault.lasts().toMillis() - Http.elapsedMillis(injected);
            if (holdMs > 0) {
                Thread.sleep(holdMs); // the fault lasts; the log is read for flapping afterwards
            }
        }

        fault.restore().run(lab);
        long restored = System.nanoTime();
        Duration bound = recovery();
        long recoveryMs = awaitReady(app, bound, row + ": back UP after the restore") ? Http.elapsedMillis(restored)
                : -1;
        // Every check, wellness included, settles before the next row, so its log window holds this row's lines only.
        expect(awaitStatus(app, "/q/health", 200, bound), row, "every check UP again within " + bound.toMillis()
                + " ms of the restore: " + Http.get(app.managementUrl("/q/health")).body());

        HttpResponse<String> postDuring = postAnswer.get(API_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        HttpResponse<String> getDuring = getAnswer.get(API_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        checkAnswer(row, "POST", postDuring, fault.post().contains(postDuring.statusCode()));
        checkAnswer(row, "GET", getDuring, fault.get().contains(getDuring.statusCode()));
        long stored = lab.db().queryForLong("SELECT count(*) FROM credit_application WHERE idempotency_key = '" + key
                + "'");
        expect(stored == (postDuring.statusCode() == 201 ? 1 : 0), row, "POST answered " + postDuring.statusCode()
                + " and " + stored + " rows are stored under its key");

        if (seenMs >= 0 && !fault.readiness().mayDip()) {
            // The watcher logs what it read within one watch-interval; a probe may read UP before that.
            awaitLog(app, logFrom, "Health check '" + fault.readiness().check() + "' DOWN -> UP",
                    FaultMatrix.Limits.INTERVAL.plus(Slack.slack()));
        }
        String window = app.log().substring(logFrom);
        for (String flapping : flapping(window)) {
            expect(false, row, "check '" + flapping + "' changed more than once each way:\n" + window);
        }
        long down = countLines(window, "Health check '" + fault.readiness().check() + "' UP -> DOWN");
        long up = countLines(window, "Health check '" + fault.readiness().check() + "' DOWN -> UP");
        if (fault.readiness().staysUp()) {
            // Only wellness may change: the database's latency, the pool, the issuer (a fetch a loaded machine delays).
            expect(countLines(window, "UP -> DOWN (reason:") == countLines(window, "'database-latency' UP -> DOWN")
                    + countLines(window, "'pool' UP -> DOWN") + countLines(window, "'identity-provider' UP -> DOWN"),
                    row, "no readiness transition:\n" + window);
        } else if (fault.readiness().mayDip()) {
            expect(down == up && down <= 1, row, "at most one dip, logged both ways:\n" + window);
        } else {
            expect(down == 1 && up == 1, row, "one UP -> DOWN and one DOWN -> UP line for "
                    + fault.readiness().check() + ", got " + down + " and " + up + ":\n" + window);
            expect(window.contains("(reason: " + fault.readiness().reason() + ")"), row, "the reason "
                    + fault.readiness().reason() + " is logged:\n" + window);
        }
        report.add(String.format("%-32s readiness in %5s ms, POST %d, GET %d, lines %d/%d, UP again %5d ms", row,
                seenMs < 0 ? "-" : String.valueOf(seenMs), postDuring.statusCode(), getDuring.statusCode(), down, up,
                recoveryMs));
    }

    private void atBoot(FaultLab lab, Fault fault) throws Exception {
        String row = fault.name() + " (at boot)";
        fault.inject().run(lab);
        try (PackagedApp app = PackagedApp.launch("fault-matrix-boot", lab.db(), lab.applicationSettings())) {
            expect(awaitStatus(app, "/q/health/started", 200, Duration.ofSeconds(60)), row, "started within 60 s");
            long started = System.nanoTime();
            long seenMs = awaitReadiness(app, fault, row, started);
            HttpResponse<String> refused = post(app, UUID.randomUUID().toString()).get(API_TIMEOUT.toSeconds(),
                    TimeUnit.SECONDS);
            checkAnswer(row, "POST", refused, refused.statusCode() == 503);
            fault.restore().run(lab);
            long restored = System.nanoTime();
            long recoveryMs = awaitReady(app, recovery(), row + ": ready after the restore, without a restart")
                    ? Http.elapsedMillis(restored)
                    : -1;
            expect(countLines(app.log(), "(reason: " + fault.readiness().reason() + ")") >= 1, row,
                    "the real reason is logged, not only 'pending':\n" + app.log());
            checkLog(app, lab.db(), row);
            report.add(String.format("%-32s readiness in %5d ms from started, POST %d, ready %5d ms after the restore",
                    row, seenMs, refused.statusCode(), recoveryMs));
        }
    }

    /** Polls readiness until the row's check says the row's reason; the ms from {@code since}, or -1 (a miss). */
    private long awaitReadiness(PackagedApp app, Fault fault, String row, long since) throws InterruptedException {
        FaultMatrix.Readiness expected = fault.readiness();
        long deadline = since + fault.within().duration.plus(Slack.slack()).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            Http.Answer ready = Http.get(app.managementUrl(expected.path()));
            last = ready.status() + " " + ready.body();
            JsonNode check = ready.status() == 503 ? HealthSchema.check(ready.body(), expected.check())
                    : MissingNode.getInstance();
            if ("DOWN".equals(check.path("status").asText())) {
                String reason = check.path("data").path("reason").asText();
                String sqlState = check.path("data").path("sqlState").asText(null);
                if (reason.equals(expected.reason())
                        && (expected.sqlState() == null || expected.sqlState().equals(sqlState))) {
                    return Http.elapsedMillis(since);
                }
                expect(expected.mayDip() || !"UP".equals(reason), row, "unexpected DOWN: " + last);
            }
            Thread.sleep(20);
        }
        expect(expected.mayDip(), row, "readiness did not say " + expected.markdown() + " within "
                + fault.within().text + " + slack; last answer " + last);
        return -1;
    }

    private boolean awaitReady(PackagedApp app, Duration within, String what) throws InterruptedException {
        boolean ready = awaitStatus(app, "/q/health/ready", 200, within);
        expect(ready, what, "readiness not 200 within " + within.toMillis() + " ms: "
                + Http.get(app.managementUrl("/q/health/ready")).body());
        return ready;
    }

    private static void awaitLog(PackagedApp app, int from, String line, Duration within)
            throws InterruptedException, IOException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline && !app.log().substring(from).contains(line)) {
            Thread.sleep(50);
        }
    }

    private static boolean gaugeReadsZero(PackagedApp app, String check, Duration within) throws InterruptedException {
        String gauge = "creditrobot_health_check_up{check=\"" + check + "\"} 0.0";
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (Http.get(app.managementUrl("/q/metrics")).body().contains(gauge)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static boolean awaitStatus(PackagedApp app, String path, int status, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (Http.get(app.managementUrl(path)).status() == status) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private void checkAnswer(String row, String method, HttpResponse<String> answer, boolean allowed) {
        expect(allowed, row, method + " answered " + answer.statusCode() + ": " + answer.body());
        expect(answer.statusCode() != 503 || answer.headers().firstValue("Retry-After").isPresent(), row,
                method + " 503 without Retry-After");
    }

    /** Every line the application wrote is one JSON object, none at ERROR, none carrying the password. */
    private void checkLog(PackagedApp app, TestDatabase db, String when) throws IOException {
        for (String line : app.log().lines().toList()) {
            JsonNode entry;
            try {
                entry = JSON.readTree(line);
            } catch (IOException e) {
                misses.add(when + ": a log line that is not JSON: " + line);
                continue;
            }
            expect(entry != null && entry.isObject(), when, "a log line that is not a JSON object: " + line);
            expect(entry == null || !"ERROR".equals(entry.path("level").asText()), when, "an ERROR line: " + line);
            expect(!line.contains(db.password()), when, "the password in the log");
        }
    }

    /** The checks that logged more than one UP -> DOWN, or more than one DOWN -> UP, in {@code window}. */
    private static List<String> flapping(String window) {
        Map<String, Long> changes = window.lines().map(TRANSITION::matcher).filter(Matcher::find)
                .collect(Collectors.groupingBy(m -> m.group(1) + " " + m.group(2), Collectors.counting()));
        return changes.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).sorted().toList();
    }

    private static long countLines(String log, String text) {
        return log.lines().filter(line -> line.contains(text)).count();
    }

    private static CompletableFuture<HttpResponse<String>> post(PackagedApp app, String key) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(app.url("/api/applications")))
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                .header("Authorization", Tokens.bearer())
                .timeout(API_TIMEOUT).POST(HttpRequest.BodyPublishers.ofString("{\"applicantName\":\"Fault Row\","
                        + "\"email\":\"fault.row@example.com\",\"amount\":5000,\"termMonths\":24,"
                        + "\"annualIncome\":80000,\"monthlyDebt\":0}"))
                .build();
        return CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private static CompletableFuture<HttpResponse<String>> get(PackagedApp app, String path) {
        return CLIENT.sendAsync(HttpRequest.newBuilder(URI.create(app.url(path))).timeout(API_TIMEOUT)
                .header("Authorization", Tokens.bearer()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void expect(boolean condition, String row, String what) {
        if (!condition) {
            misses.add(row + ": " + what);
        }
    }
}
