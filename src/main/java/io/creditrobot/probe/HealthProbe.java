package io.creditrobot.probe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The container health probe built into the application: {@code healthcheck [live|ready|started|<absolute URL>]
 * [--timeout=<duration>]}. Plain Java (no CDI, no Quarkus, no HTTP client library), so it runs before and without
 * Quarkus and costs little more than the JVM's own start; in a native image, a few milliseconds.
 *
 * <p>
 * Exit 0 when the answer is HTTP 200, 1 otherwise (refused, timeout, non-200, malformed answer, bad arguments);
 * never 2, which Docker reserves. Prints one short line that Docker keeps in {@code .State.Health.Log}.
 */
public final class HealthProbe {

    public static final int HEALTHY = 0;
    public static final int UNHEALTHY = 1;

    static final String USAGE = "usage: healthcheck [live|ready|started|<absolute http URL>] [--timeout=<duration>]"
            + " (default: live on 127.0.0.1:9000, timeout 2s; env HEALTHCHECK_HOST, HEALTHCHECK_PORT,"
            + " HEALTHCHECK_PATH)";
    static final long DEFAULT_TIMEOUT_MS = 2000;
    /** Docker keeps 4096 bytes of output; one line stays far below. */
    static final int MAX_LINE = 512;

    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] (\\d{3})(?: .*)?");
    private static final Pattern OVERALL = Pattern.compile("\"status\"\\s*:\\s*\"(\\w+)\"");
    private static final Pattern DOWN_CHECK = Pattern
            .compile("\"name\"\\s*:\\s*\"([^\"]{1,100})\"\\s*,\\s*\"status\"\\s*:\\s*\"DOWN\"");

    private HealthProbe() {
    }

    /** Where to probe and for how long. */
    record Target(String host, int port, String path, long timeoutMs) {
    }

    /** Runs the probe; returns the exit code. {@code args} excludes the word {@code healthcheck}. */
    public static int run(String[] args, Map<String, String> env, PrintStream out) {
        Target target;
        try {
            target = parse(args, env);
        } catch (IllegalArgumentException e) {
            out.println(e.getMessage());
            out.println(USAGE);
            return UNHEALTHY;
        }
        String where = target.host() + ":" + target.port() + target.path();
        long start = System.nanoTime();
        try {
            Answer answer = get(target);
            long ms = (System.nanoTime() - start) / 1_000_000;
            out.println(clip(describe(answer, where, ms)));
            return answer.status() == 200 ? HEALTHY : UNHEALTHY;
        } catch (ConnectException e) {
            out.println(clip("UNHEALTHY " + where + ": connection refused"));
        } catch (SocketTimeoutException e) {
            out.println(clip("UNHEALTHY " + where + ": no answer within " + target.timeoutMs() + " ms"));
        } catch (MalformedAnswerException e) {
            out.println(clip("UNHEALTHY " + where + ": malformed answer (" + e.getMessage() + ")"));
        } catch (IOException e) {
            out.println(clip("UNHEALTHY " + where + ": " + e.getClass().getSimpleName()));
        }
        return UNHEALTHY;
    }

    static Target parse(String[] args, Map<String, String> env) {
        String host = env.getOrDefault("HEALTHCHECK_HOST", "127.0.0.1");
        int port = port(env.getOrDefault("HEALTHCHECK_PORT", "9000"));
        String path = env.getOrDefault("HEALTHCHECK_PATH", "/q/health/live");
        long timeoutMs = DEFAULT_TIMEOUT_MS;
        boolean targetSeen = false;
        for (String arg : args) {
            if (arg.startsWith("--timeout=")) {
                timeoutMs = duration(arg.substring("--timeout=".length()));
            } else if (arg.startsWith("-")) {
                throw new IllegalArgumentException("unknown option: " + arg);
            } else if (targetSeen) {
                throw new IllegalArgumentException("more than one target: " + arg);
            } else {
                targetSeen = true;
                switch (arg) {
                    case "live", "ready", "started" -> path = "/q/health/" + arg;
                    default -> {
                        URI uri = uri(arg);
                        host = uri.getHost();
                        port = uri.getPort() == -1 ? 80 : uri.getPort();
                        path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
                    }
                }
            }
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("HEALTHCHECK_PATH must start with /: " + path);
        }
        return new Target(host, port, path, timeoutMs);
    }

    /** {@code 2s}, {@code 500ms}, {@code 1m} or ISO-8601 ({@code PT2S}); between 1 ms and 1 hour. */
    static long duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long ms;
        try {
            if (t.startsWith("pt")) {
                ms = java.time.Duration.parse(t).toMillis();
            } else if (t.endsWith("ms")) {
                ms = Long.parseLong(t.substring(0, t.length() - 2));
            } else if (t.endsWith("s")) {
                ms = Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000);
            } else if (t.endsWith("m")) {
                ms = Long.parseLong(t.substring(0, t.length() - 1)) * 60_000;
            } else {
                throw new IllegalArgumentException("a duration needs a unit (ms, s, m): " + text);
            }
        } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        if (ms < 1 || ms > 3_600_000) {
            throw new IllegalArgumentException("timeout out of range (1ms to 1h): " + text);
        }
        return ms;
    }

    private static int port(String text) {
        try {
            int port = Integer.parseInt(text.trim());
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + text);
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port: " + text);
        }
    }

    private static URI uri(String text) {
        try {
            URI uri = new URI(text);
            if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("not live, ready, started or an absolute http URL: " + text);
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("not live, ready, started or an absolute http URL: " + text);
        }
    }

    /** What came back: the status code and as much of the body as was read. */
    record Answer(int status, String body) {
    }

    static final class MalformedAnswerException extends IOException {
        MalformedAnswerException(String message) {
            super(message);
        }
    }

    /** HTTP/1.1 GET with {@code Connection: close}; the whole exchange must fit in the timeout. */
    static Answer get(Target target) throws IOException {
        long deadline = System.nanoTime() + target.timeoutMs() * 1_000_000;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(target.host(), target.port()), (int) target.timeoutMs());
            OutputStream request = socket.getOutputStream();
            request.write(("GET " + target.path() + " HTTP/1.1\r\nHost: " + target.host() + ":" + target.port()
                    + "\r\nAccept: application/json\r\nUser-Agent: creditrobot-healthcheck\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            request.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            while (received.size() < 1_000_000) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new SocketTimeoutException();
                }
                socket.setSoTimeout((int) left);
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                received.write(buffer, 0, n);
            }
            return parseAnswer(received.toString(StandardCharsets.UTF_8));
        }
    }

    static Answer parseAnswer(String raw) throws MalformedAnswerException {
        int lineEnd = raw.indexOf("\r\n");
        Matcher status = STATUS_LINE.matcher(lineEnd < 0 ? raw : raw.substring(0, lineEnd));
        if (lineEnd < 0 || !status.matches()) {
            throw new MalformedAnswerException(raw.isEmpty() ? "empty" : "no HTTP status line");
        }
        int headersEnd = raw.indexOf("\r\n\r\n");
        String body = headersEnd < 0 ? "" : raw.substring(headersEnd + 4);
        return new Answer(Integer.parseInt(status.group(1)), body);
    }

    /** {@code HTTP 503 DOWN (down: database, schema) 127.0.0.1:9000/q/health/ready in 12 ms}. */
    static String describe(Answer answer, String where, long ms) {
        Matcher overall = OVERALL.matcher(answer.body());
        String status = overall.find() ? overall.group(1) : "";
        List<String> down = new ArrayList<>();
        Matcher check = DOWN_CHECK.matcher(answer.body());
        while (check.find()) {
            down.add(check.group(1));
        }
        return (answer.status() == 200 ? "HEALTHY" : "UNHEALTHY") + " HTTP " + answer.status()
                + (status.isEmpty() ? "" : " " + status)
                + (down.isEmpty() ? "" : " (down: " + String.join(", ", down) + ")")
                + " " + where + " in " + ms + " ms";
    }

    private static String clip(String line) {
        String single = line.replaceAll("[\\r\\n]+", " ");
        return single.length() <= MAX_LINE ? single : single.substring(0, MAX_LINE - 3) + "...";
    }
}
