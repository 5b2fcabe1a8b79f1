package io.creditrobot.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.creditrobot.testsupport.Slack;

/**
 * The probe against a loopback server that answers what each case scripts: well-formed answers over every framing,
 * and the ways a peer can answer badly (cut short, too large, lying, silent, hostile). Every case must end with the
 * expected exit code, exactly one line of printable ASCII, and within the probe's own timeout (plus a margin for a
 * loaded machine); a well-formed answer on a kept-alive connection must not wait for the timeout at all.
 */
class HealthProbeMalformedServerTest {

    /** The probe's timeout in every case. */
    static final long TIMEOUT_MS = 1000;
    static final String UP = "{\"status\":\"UP\",\"checks\":[{\"name\":\"deadlocks\",\"status\":\"UP\"}]}";
    static final String DOWN = "{\"status\":\"DOWN\",\"checks\":[{\"name\":\"deadlocks\",\"status\":\"DOWN\"}]}";

    /** What the scripted server does after reading the request: writes, pauses, and finally closes or holds. */
    record Case(String name, int exit, boolean fast, List<Object> script) {
    }

    /** A pause in a script, in milliseconds. */
    record Pause(long ms) {
    }

    /** Holds the connection open (no close) until the probe goes. */
    static final Object HOLD = new Object();

    static List<Case> cases() {
        String big = "x".repeat(2 * 1024 * 1024);
        List<Case> cases = new ArrayList<>(List.of(
                ok("UP with Content-Length, then close", lengthOf(200, UP)),
                new Case("UP with Content-Length on a kept-alive connection", 0, true, List.of(lengthOf(200, UP), HOLD)),
                ok("UP chunked, then close", chunkedOf(200, UP)),
                new Case("UP chunked on a kept-alive connection", 0, true, List.of(chunkedOf(200, UP), HOLD)),
                ok("UP to the end of the connection", "HTTP/1.0 200 OK\r\n\r\n" + UP),
                ok("100 Continue, then UP", "HTTP/1.1 100 Continue\r\n\r\n" + lengthOf(200, UP)),
                ok("103 Early Hints, then UP", "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" + lengthOf(200, UP)),
                ok("UP in chunks with extensions and a trailer", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "10;a=b\r\n" + UP.substring(0, 16) + "\r\n" + Integer.toHexString(UP.length() - 16) + "\r\n"
                        + UP.substring(16) + "\r\n0\r\nX-Trailer: 1\r\n\r\n"),
                bad("200 whose body says DOWN", lengthOf(200, DOWN)),
                bad("200 chunked whose body says DOWN", chunkedOf(200, DOWN)),
                bad("200 with an empty body", lengthOf(200, "")),
                bad("200 whose body is not a health document", lengthOf(200, "<html>OK</html>")),
                bad("200, then close before the headers end", "HTTP/1.1 200 OK\r\nContent-Type: appl"),
                bad("200 with 2 MB of headers", "HTTP/1.1 200 OK\r\nX-Big: " + big + "\r\n\r\n" + UP),
                bad("Content-Length longer than the body, then close", "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n"
                        + UP),
                badHeld("Content-Length longer than the body, held open", "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n"
                        + UP),
                bad("chunked body cut short", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n" + UP),
                bad("a chunk size that is not hex", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
                bad("a chunk size over 1 MiB", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFF\r\n"),
                bad("a Content-Length that is not a number", "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n" + UP),
                bad("a Content-Length over 1 MiB", "HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n" + UP),
                bad("a body over 1 MiB to the end", "HTTP/1.0 200 OK\r\n\r\n" + UP + big),
                bad("an unknown transfer encoding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n" + UP),
                bad("503 DOWN", lengthOf(503, DOWN)),
                bad("404", lengthOf(404, "Not Found")),
                bad("301 to elsewhere", "HTTP/1.1 301 Moved\r\nLocation: http://127.0.0.1:1/\r\nContent-Length: 0\r\n\r\n"),
                bad("101 Switching Protocols", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n"),
                bad("eleven interim answers", "HTTP/1.1 100 Continue\r\n\r\n".repeat(11) + lengthOf(200, UP)),
                bad("an HTTP/2 status line", "HTTP/2 200\r\n\r\n" + UP),
                bad("line feeds without carriage returns", "HTTP/1.1 200 OK\nContent-Length: 2\n\n{}"),
                bad("not HTTP at all", "SSH-2.0-OpenSSH_9.2\r\n\r\n"),
                bad("closed without a byte", ""),
                badHeld("accepts, never answers", ""),
                new Case("one byte every 100 ms, past the deadline", 1, false, slowly("HTTP/1.1 200 OK\r\n"
                        + "Content-Length: " + UP.length() + "\r\n\r\n" + UP)),
                bad("check names carrying ESC, BEL and NUL", lengthOf(503, "{\"status\":\"DOWN\",\"checks\":[{\"name\":"
                        + "\"evil\u001b[2J\u0007\u0000\",\"status\":\"DOWN\"}]}"))));
        return cases;
    }

    @Test
    void everyMalformedOrHostileAnswerEndsWithTheRightExitOneLineAndWithinTheDeadline() throws Exception {
        List<String> misses = new ArrayList<>();
        List<Case> all = cases();
        assertTrue(all.size() >= 30, "at least 30 behaviours: " + all.size());
        for (Case c : all) {
            HealthProbeTest.Run run = against(c);
            String what = c.name() + " -> exit " + run.exit() + " in " + run.millis() + " ms: " + run.output();
            if (run.exit() != c.exit()) {
                misses.add("wrong exit: " + what);
            }
            if (run.output().lines().count() != 1 || !printable(run.output())) {
                misses.add("not one printable line: " + what);
            }
            if (run.millis() > (c.fast() ? TIMEOUT_MS / 2 : Slack.millis(TIMEOUT_MS))) {
                misses.add("too slow: " + what);
            }
        }
        assertEquals(List.of(), misses);
    }

    @Test
    void badArgumentsAndEnvironmentGiveOneUsageLineAndExitOne() {
        List<Object[]> bad = List.of(
                new Object[] { Map.of(), new String[] { "http://127.0.0.1:99999/" } },
                new Object[] { Map.of(), new String[] { "--timeout=PT9999999999999H" } },
                new Object[] { Map.of(), new String[] { "--timeout=153722867280912931m" } },
                new Object[] { Map.of(), new String[] { "--timeout=1e400s" } },
                new Object[] { Map.of(), new String[] { "--timeout=-5ms" } },
                new Object[] { Map.of("HEALTHCHECK_PATH", "/q/health/live\r\nX-Injected: 1"), new String[0] },
                new Object[] { Map.of("HEALTHCHECK_HOST", "127.0.0.1\r\nX-Injected: 1"), new String[0] },
                new Object[] { Map.of("HEALTHCHECK_PORT", "abc"), new String[0] },
                new Object[] { Map.of("HEALTHCHECK_PORT", "0"), new String[0] },
                new Object[] { Map.of(), new String[] { "http://127.0.0.1:9000/q/health\u001b[2J" } });
        for (Object[] b : bad) {
            @SuppressWarnings("unchecked")
            HealthProbeTest.Run run = HealthProbeTest.probe((Map<String, String>) b[0], (String[]) b[1]);
            assertEquals(1, run.exit(), run.output());
            assertEquals(1, run.output().lines().count(), "one line: " + run.output());
            assertTrue(run.output().contains("usage: healthcheck"), run.output());
            assertTrue(printable(run.output()), run.output());
        }
    }

    @Test
    void aUrlsPortWinsOverAnUnusableEnvironmentPort() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread peer = serve(server, List.of(lengthOf(200, UP)));
            HealthProbeTest.Run run = HealthProbeTest.probe(Map.of("HEALTHCHECK_PORT", "abc"), "http://127.0.0.1:" + server.getLocalPort() + "/q/health");
            peer.join(5000);
            assertEquals(0, run.exit(), run.output());
        }
    }

    private static HealthProbeTest.Run against(Case c) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread peer = serve(server, c.script());
            HealthProbeTest.Run run = HealthProbeTest.probe(Map.of(), "http://127.0.0.1:" + server.getLocalPort() + "/q/health/live",
                    "--timeout=" + TIMEOUT_MS + "ms");
            peer.interrupt();
            peer.join(5000);
            return run;
        }
    }

    /** Accepts one connection, reads the request's head, plays the script; ends when the probe has gone. */
    private static Thread serve(ServerSocket server, List<Object> script) {
        Thread peer = new Thread(() -> {
            try (Socket s = server.accept()) {
                s.setSoTimeout((int) Slack.millis(TIMEOUT_MS));
                readHead(s.getInputStream());
                OutputStream out = s.getOutputStream();
                for (Object step : script) {
                    if (step instanceof String text) {
                        out.write(text.getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    } else if (step instanceof Pause pause) {
                        Thread.sleep(pause.ms());
                    } else if (step == HOLD) {
                        // Until the probe closes its end (read returns -1) or the test ends.
                        s.getInputStream().read();
                    }
                }
            } catch (IOException | InterruptedException e) {
                // The probe went first, or the test interrupted the peer: the probe's side reports the outcome.
            }
        }, "scripted-peer");
        peer.setDaemon(true);
        peer.start();
        return peer;
    }

    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        try {
            for (int b; matched < 4 && (b = in.read()) >= 0;) {
                matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
            }
        } catch (SocketTimeoutException e) {
            // No request: play the script anyway.
        }
    }

    private static boolean printable(String text) {
        return text.chars().allMatch(c -> c >= 0x20 && c <= 0x7E || c == '\n' || c == '\r');
    }

    private static Case ok(String name, String answer) {
        return new Case(name, 0, false, List.of(answer));
    }

    private static Case bad(String name, String answer) {
        return new Case(name, 1, false, List.of(answer));
    }

    private static Case badHeld(String name, String answer) {
        return new Case(name, 1, false, List.of(answer, HOLD));
    }

    private static String lengthOf(int status, String body) {
        return "HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    private static String chunkedOf(int status, String body) {
        return "HTTP/1.1 " + status + " X\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(body.length())
                + "\r\n" + body + "\r\n0\r\n\r\n";
    }

    private static List<Object> slowly(String answer) {
        List<Object> script = new ArrayList<>();
        for (char c : answer.toCharArray()) {
            script.add(String.valueOf(c));
            script.add(new Pause(100));
        }
        return script;
    }
}
