package io.creditrobot.probe;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Map;

/**
 * The container health probe built into the application: {@code healthcheck [live|ready|started|<absolute URL>]
 * [--timeout=<duration>]}. Plain Java (no CDI, no Quarkus, no HTTP client library), so it runs before and without
 * Quarkus and costs little more than the JVM's own start. Its jobs, one class each: {@link ProbeTarget} reads the
 * arguments, {@link ProbeHttp} does the GET, {@link HealthDocument} reads the answer; this class decides and reports.
 *
 * <p>
 * Exit 0 only when a complete answer is HTTP 200 and its document says {@code "status":"UP"}; 1 for everything else
 * (refused, timeout, any other status, a body that says DOWN or nothing, an answer cut short or too large, bad
 * arguments); never 2, which Docker reserves. Prints exactly one line of at most {@link #MAX_LINE} printable ASCII
 * characters, which Docker keeps in {@code .State.Health.Log}; whatever the peer sends, nothing else.
 *
 * <p>
 * A JVM probe lives for about 50 ms, most of it the JVM's own start, so the healthy path is kept cheap to link: no
 * regular expressions (compiling one in the interpreter costs milliseconds) and no string {@code +}, which compiles to
 * an invokedynamic that spins method handles on first use; hence the StringBuilders, {@code concat}s and the small
 * scanners. {@code HealthProbeParsingTest} keeps both out of this package.
 */
public final class HealthProbe {

    public static final int HEALTHY = 0;
    public static final int UNHEALTHY = 1;

    static final String USAGE = "usage: healthcheck [live|ready|started|<absolute http URL>] [--timeout=<duration>]"
            + " (default: live on 127.0.0.1:9000, timeout 2s; env HEALTHCHECK_HOST, HEALTHCHECK_PORT,"
            + " HEALTHCHECK_PATH)";
    /** Docker keeps 4096 bytes of output; one line stays far below. */
    static final int MAX_LINE = 512;

    private HealthProbe() {
    }

    /** Runs the probe; returns the exit code. {@code args} excludes the word {@code healthcheck}. Never throws. */
    public static int run(String[] args, Map<String, String> env, PrintStream out) {
        ProbeTarget target;
        try {
            target = ProbeTarget.parse(args, env);
        } catch (IllegalArgumentException e) {
            out.println(line(String.join("", e.getMessage(), "; ", USAGE)));
            return UNHEALTHY;
        }
        String where = new StringBuilder().append(target.host()).append(':').append(target.port())
                .append(target.path()).toString();
        long start = System.nanoTime();
        String failure;
        try {
            ProbeHttp.Answer answer = ProbeHttp.get(target);
            long ms = (System.nanoTime() - start) / 1_000_000;
            boolean healthy = isHealthy(answer);
            out.println(line(describe(answer, healthy, where, ms)));
            return healthy ? HEALTHY : UNHEALTHY;
        } catch (ConnectException e) {
            failure = "connection refused";
        } catch (SocketTimeoutException e) {
            failure = String.join("", "no answer within ", String.valueOf(target.timeoutMs()), " ms");
        } catch (ProbeHttp.MalformedAnswerException e) {
            failure = String.join("", "malformed answer (", e.getMessage(), ")");
        } catch (IOException | RuntimeException e) {
            failure = e.getClass().getSimpleName();
        }
        out.println(line(String.join("", "UNHEALTHY ", where, ": ", failure)));
        return UNHEALTHY;
    }

    /** A complete 200 whose document says UP: a 200 that says DOWN (or nothing) is not health. */
    static boolean isHealthy(ProbeHttp.Answer answer) {
        return answer.status() == 200 && "UP".equals(HealthDocument.overallStatus(answer.body()));
    }

    /**
     * {@code UNHEALTHY HTTP 503 DOWN (down: database: read-only, schema: pending) 127.0.0.1:9000/q/health/ready in 12
     * ms}: what Docker keeps in {@code State.Health.Log}, so {@code docker inspect} says why.
     */
    static String describe(ProbeHttp.Answer answer, boolean healthy, String where, long ms) {
        StringBuilder line = new StringBuilder(128).append(healthy ? "HEALTHY" : "UNHEALTHY")
                .append(" HTTP ").append(answer.status());
        String status = HealthDocument.overallStatus(answer.body());
        if (!status.isEmpty()) {
            line.append(' ').append(status);
        }
        List<String> down = HealthDocument.downChecksWithReasons(answer.body());
        if (!down.isEmpty()) {
            line.append(" (down: ").append(String.join(", ", down)).append(')');
        }
        return line.append(' ').append(where).append(" in ").append(ms).append(" ms").toString();
    }

    /**
     * One line of at most {@link #MAX_LINE} printable ASCII characters: a run of line breaks becomes one space, any
     * other character outside {@code 0x20..0x7E} (ESC, BEL, NUL, non-ASCII) a {@code ?}, so that nothing a peer sends
     * can write to a terminal or to Docker's log but text.
     */
    static String line(String text) {
        StringBuilder single = new StringBuilder(Math.min(text.length(), MAX_LINE + 1));
        for (int i = 0; i < text.length() && single.length() <= MAX_LINE; i++) {
            char c = text.charAt(i);
            boolean lineBreak = c == '\r' || c == '\n';
            if (!lineBreak) {
                single.append(c >= 0x20 && c <= 0x7E ? c : '?');
            } else if (i == 0 || (text.charAt(i - 1) != '\r' && text.charAt(i - 1) != '\n')) {
                single.append(' ');
            }
        }
        return single.length() <= MAX_LINE ? single.toString() : single.substring(0, MAX_LINE - 3).concat("...");
    }
}
