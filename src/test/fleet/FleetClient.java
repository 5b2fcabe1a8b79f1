import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A well-behaved client of the fleet, run from source ({@code java FleetClient.java …}, JDK 17): {@code workers}
 * threads, each submitting credit applications through the load balancer with an Idempotency-Key of its own,
 * retrying the same request on 503 (after Retry-After, capped) and on connection errors or timeouts, up to
 * {@value #MAX_TRIES} tries; after each acknowledged submission it reads the application back. It stops by itself
 * after {@code seconds}, or as soon as {@code STOP_FILE} exists, and lets every started submission finish (bounded
 * by its tries).
 *
 * <p>
 * Writes one JSON line per response to {@code out} ({@code t} ms since the epoch, {@code op}, {@code key},
 * {@code try}, {@code status} (-1: no answer), {@code ms}) and one line per submission's end ({@code op":"done"},
 * {@code acked}, {@code id}).
 *
 * <p>
 * Usage: {@code java FleetClient.java BASE_URL SECONDS WORKERS OUT_FILE [STOP_FILE]}
 */
public class FleetClient {

    static final int MAX_TRIES = 40;
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** Retry-After is honoured; a longer one than this (none is sent here) would be a misconfiguration. */
    static final long MAX_RETRY_WAIT_MS = 10_000;
    /** An applicant's access token, from the environment (FLEET_TOKEN): never on the command line, never logged. */
    static final String BEARER = "Bearer " + System.getenv().getOrDefault("FLEET_TOKEN", "");
    static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");

    public static void main(String[] args) throws Exception {
        if (args.length < 4 || args.length > 5) {
            System.err.println("usage: java FleetClient.java BASE_URL SECONDS WORKERS OUT_FILE [STOP_FILE]");
            System.exit(2);
        }
        Path stop = args.length == 5 ? Path.of(args[4]) : null;
        String base = args[0];
        long deadline = System.currentTimeMillis() + Long.parseLong(args[1]) * 1000;
        int workers = Integer.parseInt(args[2]);
        ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int worker = w;
            Thread t = new Thread(() -> {
                int n = 0;
                while (System.currentTimeMillis() < deadline && (stop == null || !Files.exists(stop))) {
                    submit(client, base, "w" + worker + "-" + (n++) + "-" + UUID.randomUUID(), lines);
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[3])))) {
            lines.forEach(out::println);
        }
    }

    /** One submission: POST with retries until acknowledged or out of tries; then a read of what was stored. */
    static void submit(HttpClient client, String base, String key, ConcurrentLinkedQueue<String> lines) {
        String body = String.format(Locale.ROOT, "{\"applicantName\":\"Fleet %s\",\"email\":\"fleet@example.com\","
                + "\"amount\":%d,\"termMonths\":24,\"annualIncome\":90000,\"monthlyDebt\":0}", key.substring(0, 8),
                1000 + ThreadLocalRandom.current().nextInt(20000));
        HttpRequest post = HttpRequest.newBuilder(URI.create(base + "/api/applications")).timeout(TIMEOUT)
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                .header("Authorization", BEARER)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        String id = null;
        for (int attempt = 1; attempt <= MAX_TRIES && id == null; attempt++) {
            Answer a = send(client, post);
            lines.add(line("post", key, attempt, a));
            if (a.status == 201) {
                Matcher m = ID.matcher(a.body);
                id = m.find() ? m.group(1) : "?";
            } else if (a.status == 503 || a.status == -1) {
                pause(a.status == 503 ? Math.min(MAX_RETRY_WAIT_MS, a.retryAfterMs) : 200);
            } else {
                break; // any other answer is a failure no retry can mend
            }
        }
        lines.add(String.format(Locale.ROOT, "{\"t\":%d,\"op\":\"done\",\"key\":\"%s\",\"acked\":%b,\"id\":%s}",
                System.currentTimeMillis(), key, id != null, id == null ? "null" : "\"" + id + "\""));
        if (id != null) {
            Answer read = send(client, HttpRequest.newBuilder(URI.create(base + "/api/applications/" + id))
                    .timeout(TIMEOUT).header("Authorization", BEARER).GET().build());
            lines.add(line("get", key, 1, read));
        }
    }

    record Answer(int status, long ms, long retryAfterMs, String body, long at) {
    }

    static Answer send(HttpClient client, HttpRequest request) {
        long start = System.nanoTime();
        long at = System.currentTimeMillis();
        try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            long retryAfter = r.headers().firstValue("Retry-After").map(v -> Long.parseLong(v.trim()) * 1000)
                    .orElse(1000L);
            return new Answer(r.statusCode(), elapsed(start), retryAfter, r.body(), at);
        } catch (IOException | NumberFormatException e) {
            return new Answer(-1, elapsed(start), 0, e.getClass().getSimpleName(), at);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, elapsed(start), 0, "interrupted", at);
        }
    }

    static String line(String op, String key, int attempt, Answer a) {
        return String.format(Locale.ROOT, "{\"t\":%d,\"op\":\"%s\",\"key\":\"%s\",\"try\":%d,\"status\":%d,\"ms\":%d}",
                a.at, op, key, attempt, a.status, a.ms);
    }

    static long elapsed(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis); // a client's back-off between tries, not a wait for a condition
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
