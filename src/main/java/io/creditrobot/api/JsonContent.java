package io.creditrobot.api;

import java.util.List;
import java.util.Locale;

import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * A request body is read only when it says what it is: {@code Content-Type: application/json} (JSON is UTF-8, RFC
 * 8259, so the one parameter allowed is {@code charset=utf-8}), sent once, with no content coding. Anything else,
 * a missing or wildcard type included, is 415: the body would be read as something the client did not say.
 */
final class JsonContent {

    static final String MESSAGE = "Send the body as Content-Type: application/json (charset utf-8, if any), "
            + "uncompressed";

    private JsonContent() {
    }

    static void require(HttpHeaders headers) {
        List<String> types = headers.getRequestHeader(HttpHeaders.CONTENT_TYPE);
        List<String> encodings = headers.getRequestHeader(HttpHeaders.CONTENT_ENCODING);
        boolean encoded = encodings != null && encodings.stream().anyMatch(e -> !"identity".equalsIgnoreCase(e.trim()));
        if (types == null || types.size() != 1 || !isJson(types.get(0)) || encoded) {
            throw new NotSupportedException(MESSAGE);
        }
    }

    static boolean isJson(String contentType) {
        String[] parts = contentType.split(";", -1);
        if (!"application/json".equals(parts[0].trim().toLowerCase(Locale.ROOT))) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String[] parameter = parts[i].split("=", 2);
            String name = parameter[0].trim().toLowerCase(Locale.ROOT);
            String value = parameter.length == 2 ? parameter[1].trim() : "";
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            if (!name.equals("charset") || !value.equalsIgnoreCase("utf-8")) {
                return false;
            }
        }
        return true;
    }
}
