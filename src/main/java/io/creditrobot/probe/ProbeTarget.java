package io.creditrobot.probe;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * Where to probe and for how long, read from the arguments and the environment: {@code [live|ready|started|<absolute
 * http URL>] [--timeout=<duration>]}, with {@code HEALTHCHECK_HOST}, {@code HEALTHCHECK_PORT} and
 * {@code HEALTHCHECK_PATH} as defaults that a URL overrides. Anything else is an {@link IllegalArgumentException}
 * whose message names what is wrong; nothing here throws anything else, whatever the input.
 */
record ProbeTarget(String host, int port, String path, long timeoutMs) {

    static final long DEFAULT_TIMEOUT_MS = 2000;
    private static final long MAX_TIMEOUT_MS = 3_600_000;
    private static final String NOT_A_TARGET = "not live, ready, started or an absolute http URL: ";

    static ProbeTarget parse(String[] args, Map<String, String> env) {
        String target = null;
        long timeoutMs = DEFAULT_TIMEOUT_MS;
        for (String arg : args) {
            if (arg.startsWith("--timeout=")) {
                timeoutMs = duration(arg.substring("--timeout=".length()));
            } else if (arg.startsWith("-")) {
                throw new IllegalArgumentException("unknown option: ".concat(visible(arg)));
            } else if (target != null) {
                throw new IllegalArgumentException("more than one target: ".concat(visible(arg)));
            } else {
                target = arg;
            }
        }
        String host = env.getOrDefault("HEALTHCHECK_HOST", "127.0.0.1");
        String path = env.getOrDefault("HEALTHCHECK_PATH", "/q/health/live");
        int port;
        if (target == null || "live".equals(target) || "ready".equals(target) || "started".equals(target)) {
            // The environment's port counts only where no URL gives one.
            port = port(env.getOrDefault("HEALTHCHECK_PORT", "9000"));
            if (target != null) {
                path = "/q/health/".concat(target);
            }
        } else {
            URI uri = uri(target);
            host = uri.getHost();
            port = uri.getPort() == -1 ? 80 : port(String.valueOf(uri.getPort()));
            String raw = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            path = uri.getRawQuery() == null ? raw : raw.concat("?").concat(uri.getRawQuery());
        }
        if (!isToken(host, false)) {
            throw new IllegalArgumentException("not a host name or address: ".concat(visible(host)));
        }
        if (!path.startsWith("/") || !isToken(path, true)) {
            throw new IllegalArgumentException("not a path (from /, visible ASCII only): ".concat(visible(path)));
        }
        return new ProbeTarget(host, port, path, timeoutMs);
    }

    /** {@code 2s}, {@code 500ms}, {@code 1m} or ISO-8601 ({@code PT2S}); between 1 ms and 1 hour. */
    static long duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long ms;
        try {
            if (t.startsWith("pt")) {
                ms = Duration.parse(t).toMillis();
            } else if (t.endsWith("ms")) {
                ms = Long.parseLong(t.substring(0, t.length() - 2));
            } else if (t.endsWith("s")) {
                double seconds = Double.parseDouble(t.substring(0, t.length() - 1));
                ms = seconds * 1000 > MAX_TIMEOUT_MS || !(seconds > 0) ? -1 : Math.round(seconds * 1000);
            } else if (t.endsWith("m")) {
                ms = Math.multiplyExact(Long.parseLong(t.substring(0, t.length() - 1)), 60_000L);
            } else {
                throw new IllegalArgumentException("a duration needs a unit (ms, s, m): ".concat(visible(text)));
            }
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("not a duration from 1ms to 1h: ".concat(visible(text)));
        }
        if (ms < 1 || ms > MAX_TIMEOUT_MS) {
            throw new IllegalArgumentException("timeout out of range (1ms to 1h): ".concat(visible(text)));
        }
        return ms;
    }

    /** 1 to 65535, written in at most five digits. */
    static int port(String text) {
        String t = text.trim();
        boolean digits = !t.isEmpty() && t.length() <= 5;
        for (int i = 0; digits && i < t.length(); i++) {
            digits = t.charAt(i) >= '0' && t.charAt(i) <= '9';
        }
        int port = digits ? Integer.parseInt(t) : -1;
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("not a port (1 to 65535): ".concat(visible(text)));
        }
        return port;
    }

    private static URI uri(String text) {
        try {
            URI uri = new URI(text);
            if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException(NOT_A_TARGET.concat(visible(text)));
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(NOT_A_TARGET.concat(visible(text)));
        }
    }

    /** Visible ASCII only (no space, no CR or LF that would inject a header); a host also has no {@code /}. */
    private static boolean isToken(String text, boolean path) {
        if (text == null || text.isEmpty() || text.length() > 2048) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x21 || c > 0x7E || (!path && c == '/')) {
                return false;
            }
        }
        return true;
    }

    /** {@code text} as one printable ASCII line of at most 80 characters, for an error message. */
    static String visible(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 80));
        for (int i = 0; i < text.length() && out.length() < 80; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c <= 0x7E ? c : '?');
        }
        return out.toString();
    }
}
