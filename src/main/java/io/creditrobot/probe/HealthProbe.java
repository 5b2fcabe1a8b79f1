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

/**
 * The container health probe built into the application: {@code healthcheck [live|ready|started|<absolute URL>]
 * [--timeout=<duration>]}. Plain Java (no CDI, no Quarkus, no HTTP client library), so it runs before and without
 * Quarkus and costs little more than the JVM's own start; in a native image, a few milliseconds.
 *
 * <p>
 * Exit 0 when the answer is HTTP 200, 1 otherwise (refused, timeout, non-200, malformed answer, bad arguments);
 * never 2, which Docker reserves. Prints one short line that Docker keeps in {@code .State.Health.Log}.
 *
 * <p>
 * A JVM probe lives for about 50 ms, most of it the JVM's own start, so the healthy path is kept cheap to link: no
 * regular expressions (compiling one in the interpreter costs milliseconds) and no string {@code +}, which compiles to
 * an invokedynamic that spins method handles on first use; hence the StringBuilders, {@code concat}s and the small
 * scanners below. {@code HealthProbeParsingTest} keeps both out of this package.
 */
public final class HealthProbe {

    public static final int HEALTHY = 0;
    public static final int UNHEALTHY = 1;

    static final String USAGE = "usage: healthcheck [live|ready|started|<absolute http URL>] [--timeout=<duration>]"
            + " (default: live on 127.0.0.1:9000, timeout 2s; env HEALTHCHECK_HOST, HEALTHCHECK_PORT,"
            + " HEALTHCHECK_PATH)";
    static final long DEFAULT_TIMEOUT_MS = 2000;
    private static final String NOT_A_TARGET = "not live, ready, started or an absolute http URL: ";
    /** Docker keeps 4096 bytes of output; one line stays far below. */
    static final int MAX_LINE = 512;

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
        String where = new StringBuilder().append(target.host()).append(':').append(target.port())
                .append(target.path()).toString();
        long start = System.nanoTime();
        try {
            Answer answer = get(target);
            long ms = (System.nanoTime() - start) / 1_000_000;
            out.println(clip(describe(answer, where, ms)));
            return answer.status() == 200 ? HEALTHY : UNHEALTHY;
        } catch (ConnectException e) {
            out.println(clip("UNHEALTHY ".concat(where).concat(": connection refused")));
        } catch (SocketTimeoutException e) {
            out.println(clip(String.join("", "UNHEALTHY ", where, ": no answer within ",
                    String.valueOf(target.timeoutMs()), " ms")));
        } catch (MalformedAnswerException e) {
            out.println(clip(String.join("", "UNHEALTHY ", where, ": malformed answer (", e.getMessage(), ")")));
        } catch (IOException e) {
            out.println(clip(String.join("", "UNHEALTHY ", where, ": ", e.getClass().getSimpleName())));
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
                throw new IllegalArgumentException("unknown option: ".concat(arg));
            } else if (targetSeen) {
                throw new IllegalArgumentException("more than one target: ".concat(arg));
            } else {
                targetSeen = true;
                switch (arg) {
                    case "live", "ready", "started" -> path = "/q/health/".concat(arg);
                    default -> {
                        URI uri = uri(arg);
                        host = uri.getHost();
                        port = uri.getPort() == -1 ? 80 : uri.getPort();
                        String raw = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
                        path = uri.getRawQuery() == null ? raw : raw.concat("?").concat(uri.getRawQuery());
                    }
                }
            }
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("HEALTHCHECK_PATH must start with /: ".concat(path));
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
                throw new IllegalArgumentException("a duration needs a unit (ms, s, m): ".concat(text));
            }
        } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("not a duration: ".concat(text));
        }
        if (ms < 1 || ms > 3_600_000) {
            throw new IllegalArgumentException("timeout out of range (1ms to 1h): ".concat(text));
        }
        return ms;
    }

    private static int port(String text) {
        try {
            int port = Integer.parseInt(text.trim());
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: ".concat(text));
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port: ".concat(text));
        }
    }

    private static URI uri(String text) {
        try {
            URI uri = new URI(text);
            if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException(NOT_A_TARGET.concat(text));
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(NOT_A_TARGET.concat(text));
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
            request.write(new StringBuilder(160).append("GET ").append(target.path()).append(" HTTP/1.1\r\nHost: ")
                    .append(target.host()).append(':').append(target.port())
                    .append("\r\nAccept: application/json\r\nUser-Agent: creditrobot-healthcheck")
                    .append("\r\nConnection: close\r\n\r\n")
                    .toString().getBytes(StandardCharsets.US_ASCII));
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
        int status = lineEnd < 0 ? -1 : statusCode(raw.substring(0, lineEnd));
        if (status < 0) {
            throw new MalformedAnswerException(raw.isEmpty() ? "empty" : "no HTTP status line");
        }
        int headersEnd = raw.indexOf("\r\n\r\n");
        String body = headersEnd < 0 ? "" : raw.substring(headersEnd + 4);
        return new Answer(status, body);
    }

    /** The code of {@code HTTP/1.0 200} or {@code HTTP/1.1 503 Service Unavailable}, or -1 for any other line. */
    static int statusCode(String line) {
        boolean version = line.startsWith("HTTP/1.0 ") || line.startsWith("HTTP/1.1 ");
        if (!version || line.length() < 12 || (line.length() > 12 && line.charAt(12) != ' ')
                || line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
            return -1;
        }
        int code = 0;
        for (int i = 9; i < 12; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            code = code * 10 + (c - '0');
        }
        return code;
    }

    /** {@code HTTP 503 DOWN (down: database, schema) 127.0.0.1:9000/q/health/ready in 12 ms}. */
    static String describe(Answer answer, String where, long ms) {
        StringBuilder line = new StringBuilder(128).append(answer.status() == 200 ? "HEALTHY" : "UNHEALTHY")
                .append(" HTTP ").append(answer.status());
        String status = overallStatus(answer.body());
        if (!status.isEmpty()) {
            line.append(' ').append(status);
        }
        List<String> down = downChecks(answer.body());
        if (!down.isEmpty()) {
            line.append(" (down: ").append(String.join(", ", down)).append(')');
        }
        return line.append(' ').append(where).append(" in ").append(ms).append(" ms").toString();
    }

    /**
     * The first {@code "status": "<word>"} of a health document, which SmallRye Health writes first: the overall
     * status. Empty when there is none.
     */
    static String overallStatus(String json) {
        for (int at = json.indexOf("\"status\""); at >= 0; at = json.indexOf("\"status\"", at + 1)) {
            int start = valueStart(json, at + "\"status\"".length());
            int end = start < 0 ? -1 : json.indexOf('"', start);
            if (end > start && isWord(json, start, end)) {
                return json.substring(start, end);
            }
        }
        return "";
    }

    /** The names of the checks written as {@code "name": "<1 to 100 characters>", "status": "DOWN"}. */
    static List<String> downChecks(String json) {
        List<String> down = new ArrayList<>();
        for (int at = json.indexOf("\"name\""); at >= 0; at = json.indexOf("\"name\"", at + 1)) {
            int start = valueStart(json, at + "\"name\"".length());
            int end = start < 0 ? -1 : json.indexOf('"', start);
            if (end <= start || end - start > 100) {
                continue;
            }
            int next = skipSpaces(json, end + 1);
            if (next >= json.length() || json.charAt(next) != ',') {
                continue;
            }
            next = skipSpaces(json, next + 1);
            if (json.startsWith("\"status\"", next)) {
                int status = valueStart(json, next + "\"status\"".length());
                if (status >= 0 && json.startsWith("DOWN\"", status)) {
                    down.add(json.substring(start, end));
                }
            }
        }
        return down;
    }

    /** After a key that ends before {@code from}: spaces, a colon, spaces, a quote. The index after it, or -1. */
    private static int valueStart(String json, int from) {
        int i = skipSpaces(json, from);
        if (i >= json.length() || json.charAt(i) != ':') {
            return -1;
        }
        i = skipSpaces(json, i + 1);
        return i < json.length() && json.charAt(i) == '"' ? i + 1 : -1;
    }

    private static int skipSpaces(String text, int from) {
        int i = from;
        while (i < text.length() && " \t\n\u000B\f\r".indexOf(text.charAt(i)) >= 0) {
            i++;
        }
        return i;
    }

    private static boolean isWord(String text, int start, int end) {
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** One line of at most {@link #MAX_LINE} characters: each run of line breaks becomes one space. */
    private static String clip(String line) {
        StringBuilder single = new StringBuilder(Math.min(line.length(), MAX_LINE + 1));
        for (int i = 0; i < line.length() && single.length() <= MAX_LINE; i++) {
            char c = line.charAt(i);
            boolean lineBreak = c == '\r' || c == '\n';
            if (!lineBreak) {
                single.append(c);
            } else if (i == 0 || (line.charAt(i - 1) != '\r' && line.charAt(i - 1) != '\n')) {
                single.append(' ');
            }
        }
        return single.length() <= MAX_LINE ? single.toString()
                : single.substring(0, MAX_LINE - 3).concat("...");
    }
}
