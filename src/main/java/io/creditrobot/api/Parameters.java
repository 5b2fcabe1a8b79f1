package io.creditrobot.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.ws.rs.core.MultivaluedMap;

/**
 * Reads query, path and header parameters from their raw text, so that a value that does not convert is a 400
 * naming the parameter (JAX-RS would answer a bare 404 for {@code ?page=abc} or a malformed id).
 */
final class Parameters {

    private static final Pattern DIGITS = Pattern.compile("\\d{1,9}");
    private static final Pattern UUID_TEXT = Pattern
            .compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** Visible ASCII: what a client can put in a header unchanged, and what the column stores as sent. */
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E&&[^,]]{1,255}");
    private static final String CURSOR_VERSION = "v3:";

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
     * reads as no header at all), a repeated header and a comma are refused, not treated as "no key". One rule for
     * the comma, however the client spaced it: HTTP joins repeated headers with commas, so {@code a1, a2} and
     * {@code k,k2} both mean "more than one key".
     */
    static String idempotencyKey(List<String> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1 || values.get(0) != null && values.get(0).indexOf(',') >= 0) {
            throw RequestViolationsException.of("Idempotency-Key", "must be sent once, as one key (no comma)");
        }
        String key = values.get(0);
        if (key == null || !IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw RequestViolationsException.of("Idempotency-Key",
                    "must be 1 to 255 visible ASCII characters other than a comma");
        }
        return key;
    }

    /**
     * An opaque, tamper-evident listing cursor: the id of the last application of the page (the next page starts
     * below it), and a check over it. base64url of {@code v3:<id>:<check>}, where the check is the first 8 bytes of
     * SHA-256 over {@code v3:<id>} in hex: a cursor cut short, edited or hand-made is refused, never read as another
     * position (which would silently skip applications). It carries only what the page already showed: the listing
     * position ({@code seq}) is platform-wide, and decoded it would tell how many applications everyone submitted
     * (issue 34). It protects against mistakes, not against a client that computes checks: a forged cursor only
     * starts a listing below an application whose id the client knows.
     */
    static String cursor(UUID last) {
        String payload = CURSOR_VERSION + last;
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((payload + ":" + check(payload)).getBytes(StandardCharsets.US_ASCII));
    }

    static UUID position(String cursor) {
        if (cursor == null) {
            return null;
        }
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(cursor);
            String text = new String(bytes, StandardCharsets.US_ASCII);
            int checkAt = text.lastIndexOf(':');
            if (text.startsWith(CURSOR_VERSION) && checkAt > CURSOR_VERSION.length()) {
                String payload = text.substring(0, checkAt);
                String id = payload.substring(CURSOR_VERSION.length());
                // Canonical only: the encoder's own text, a lower-case UUID, the right check.
                if (UUID_TEXT.matcher(id).matches() && text.substring(checkAt + 1).equals(check(payload))
                        && cursor(UUID.fromString(id)).equals(cursor)) {
                    return UUID.fromString(id);
                }
            }
        } catch (IllegalArgumentException e) {
            // Not base64, or not a UUID: the same answer below.
        }
        throw RequestViolationsException.of("cursor", "must be a nextCursor value returned by this listing");
    }

    /** Each query parameter the API reads may be sent once: {@code size=1&size=50} is refused, not half-read. */
    static void notRepeated(MultivaluedMap<String, String> query, String... names) {
        List<ApiError.FieldViolation> violations = new ArrayList<>();
        for (String name : names) {
            List<String> values = query.get(name);
            if (values != null && values.size() > 1) {
                violations.add(new ApiError.FieldViolation(name, "must be sent at most once"));
            }
        }
        if (!violations.isEmpty()) {
            throw new RequestViolationsException(violations);
        }
    }

    private static String check(String payload) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(payload.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
