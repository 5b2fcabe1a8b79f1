package io.creditrobot.probe;

import java.util.ArrayList;
import java.util.List;

/**
 * What the probe reads of a MicroProfile Health document, by scanning its text (no JSON library, no regular
 * expression: see {@link HealthProbe}): the overall status and the checks that are DOWN, with their reasons.
 */
final class HealthDocument {

    private HealthDocument() {
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
        return down(json, false);
    }

    /**
     * The DOWN checks, each with its reason when its object carries one before the next check's name:
     * {@code database: read-only}. A reason is a word of 1 to 40 letters, digits, {@code -} or {@code _}; anything
     * else is left out.
     */
    static List<String> downChecksWithReasons(String json) {
        return down(json, true);
    }

    private static List<String> down(String json, boolean withReasons) {
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
                    String reason = withReasons ? reason(json, status) : "";
                    String name = json.substring(start, end);
                    down.add(reason.isEmpty() ? name : name.concat(": ").concat(reason));
                }
            }
        }
        return down;
    }

    /** The first {@code "reason": "<word>"} after {@code from} and before the next {@code "name"}, or empty. */
    private static String reason(String json, int from) {
        int next = json.indexOf("\"name\"", from);
        int at = json.indexOf("\"reason\"", from);
        if (at < 0 || (next >= 0 && at > next)) {
            return "";
        }
        int start = valueStart(json, at + "\"reason\"".length());
        int end = start < 0 ? -1 : json.indexOf('"', start);
        if (end <= start || end - start > 40) {
            return "";
        }
        for (int i = start; i < end; i++) {
            char c = json.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return "";
            }
        }
        return json.substring(start, end);
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
}
