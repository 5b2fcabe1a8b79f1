package io.creditrobot.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads query, path and header parameters from their raw text, so that a value that does not convert is a 400
 * naming the parameter (JAX-RS would answer a bare 404 for {@code ?page=abc} or a malformed id).
 */
final class Parameters {

    private static final Pattern DIGITS = Pattern.compile("\\d{1,9}");
    private static final Pattern UUID_TEXT = Pattern
            .compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** Visible ASCII: what a client can put in a header unchanged, and what the column stores as sent. */
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");
    private static final String CURSOR_PREFIX = "v1:";

    private Parameters() {
    }

    static int wholeNumber(String name, String raw, int defaultValue, int min, int max) {
        if (raw == null) {
            return defaultValue;
        }
        String message = "must be a whole number from " + min + " to " + max;
        if (!DIGITS.matcher(raw).matches()) {
            throw RequestViolationsException.of(name, message);
        }
        int value = Integer.parseInt(raw);
        if (value < min || value > max) {
            throw RequestViolationsException.of(name, message);
        }
        return value;
    }

    static UUID uuid(String name, String raw) {
        if (raw == null || !UUID_TEXT.matcher(raw).matches()) {
            throw RequestViolationsException.of(name, "must be a UUID such as 3f1c2a9e-0d4b-4c8e-9a51-7b2e6f0c1d23");
        }
        return UUID.fromString(raw);
    }

    /**
     * The optional Idempotency-Key, read from every value the client sent: an empty or blank value (which JAX-RS
     * reads as no header at all) and a repeated header are refused, not treated as "no key".
     */
    static String idempotencyKey(List<String> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw RequestViolationsException.of("Idempotency-Key", "must be sent at most once");
        }
        String key = values.get(0);
        if (key == null || !IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw RequestViolationsException.of("Idempotency-Key", "must be 1 to 255 visible ASCII characters");
        }
        return key;
    }

    /** An opaque listing cursor: the position after which the next page starts. */
    static String cursor(long position) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((CURSOR_PREFIX + position).getBytes(StandardCharsets.US_ASCII));
    }

    static Long position(String cursor) {
        if (cursor == null) {
            return null;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            if (text.startsWith(CURSOR_PREFIX)) {
                long position = Long.parseLong(text.substring(CURSOR_PREFIX.length()));
                if (position > 0) {
                    return position;
                }
            }
        } catch (IllegalArgumentException e) {
            // Not base64, or not a number: the same answer below.
        }
        throw RequestViolationsException.of("cursor", "must be a nextCursor value returned by this listing");
    }
}
