package io.creditrobot.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.creditrobot.application.CreditRequest;

/**
 * Turns a submission (the body and the Idempotency-Key header's raw values) into a {@link CreditRequest} and a key,
 * or into one 400 that names every bad field: a wrong type, an unknown field, every Bean Validation constraint of
 * the fields whose type was right, and the key. (Binding straight to the record would stop at the first field of
 * the wrong type.) No coercion: a number is never read from a string, a whole number never from a fraction.
 */
@ApplicationScoped
public class CreditRequestReader {

    private enum Kind {
        TEXT("must be a string"),
        DECIMAL("must be a number"),
        WHOLE("must be a whole number");

        final String message;

        Kind(String message) {
            this.message = message;
        }
    }

    /** The request's fields, in the record's order. */
    private static final Map<String, Kind> FIELDS = Map.of("applicantName", Kind.TEXT, "email", Kind.TEXT,
            "amount", Kind.DECIMAL, "termMonths", Kind.WHOLE, "annualIncome", Kind.DECIMAL,
            "monthlyDebt", Kind.DECIMAL);

    /** A readable submission: the request and its Idempotency-Key (null when none was sent). */
    record Submission(CreditRequest request, String idempotencyKey) {
    }

    private final Validator validator;
    private final ObjectMapper json;

    CreditRequestReader(Validator validator, ObjectMapper json) {
        this.validator = validator;
        this.json = json;
    }

    /**
     * Reads both parts from the raw body (as {@link StrictJson} configures the mapper); a 400 names the bad fields of
     * both at once. A body that is not JSON is a {@link JsonProcessingException} (mapped to 400). A number no decimal
     * can hold (an exponent or a scale beyond {@code int}, such as {@code 1e9999999999}) is a bad field like any
     * other: it is named, and the other fields are still read and named when bad.
     */
    Submission read(byte[] body, List<String> idempotencyKeyValues) throws IOException {
        if (body == null || body.length == 0) {
            return read((JsonNode) null, idempotencyKeyValues);
        }
        Map<String, int[]> unreadable = unreadableNumbers(body);
        if (unreadable.isEmpty()) {
            return read(json.readTree(body), idempotencyKeyValues);
        }
        // Read the rest with each unreadable number taken for null, then name those fields for what they are.
        JsonNode rest = json.readTree(withNulls(body, unreadable.values()));
        List<ApiError.FieldViolation> violations = new ArrayList<>();
        try {
            read(rest, idempotencyKeyValues);
        } catch (RequestViolationsException e) {
            e.violations().stream().filter(v -> !unreadable.containsKey(v.field())).forEach(violations::add);
        }
        unreadable.keySet().forEach(field -> violations.add(new ApiError.FieldViolation(field,
                "must be a number with an exponent and a scale this service can hold")));
        violations.sort(Comparator.comparing(ApiError.FieldViolation::field)
                .thenComparing(ApiError.FieldViolation::message));
        throw new RequestViolationsException(violations);
    }

    /**
     * The numbers of {@code body} that Jackson cannot turn into a decimal: field name (or {@code body} at the top)
     * to the token's byte offset and length. Empty for a body whose numbers all read, or that is not JSON at all
     * (the strict parse reports that).
     */
    private Map<String, int[]> unreadableNumbers(byte[] body) {
        Map<String, int[]> unreadable = new TreeMap<>();
        try (JsonParser parser = json.createParser(body)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token.isNumeric()) {
                    try {
                        parser.getDecimalValue();
                    } catch (NumberFormatException e) {
                        unreadable.put(parser.currentName() == null ? "body" : parser.currentName(), new int[] {
                                (int) parser.currentTokenLocation().getByteOffset(), parser.getTextLength() });
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not JSON: the strict parse says why.
        }
        return unreadable;
    }

    private static byte[] withNulls(byte[] body, Collection<int[]> spans) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length);
        List<int[]> ordered = new ArrayList<>(spans);
        ordered.sort(Comparator.comparingInt(span -> span[0]));
        int at = 0;
        for (int[] span : ordered) {
            out.write(body, at, span[0] - at);
            out.writeBytes("null".getBytes(StandardCharsets.US_ASCII));
            at = span[0] + span[1];
        }
        out.write(body, at, body.length - at);
        return out.toByteArray();
    }

    /** Reads both parts; a 400 names the bad fields of both at once. */
    Submission read(JsonNode body, List<String> idempotencyKeyValues) {
        List<ApiError.FieldViolation> violations = new ArrayList<>();
        String key = null;
        CreditRequest request = null;
        try {
            // Raw values: JAX-RS reads an empty header as no header at all.
            key = Parameters.idempotencyKey(idempotencyKeyValues);
        } catch (RequestViolationsException e) {
            violations.addAll(e.violations());
        }
        try {
            request = read(body);
        } catch (RequestViolationsException e) {
            violations.addAll(e.violations());
        }
        if (!violations.isEmpty()) {
            throw new RequestViolationsException(violations);
        }
        return new Submission(request, key);
    }

    private CreditRequest read(JsonNode body) {
        if (body == null || body.isMissingNode() || body.isNull()) {
            throw RequestViolationsException.of("body", "a JSON body is required");
        }
        if (!body.isObject()) {
            throw RequestViolationsException.of("body", "must be a JSON object");
        }
        List<ApiError.FieldViolation> violations = new ArrayList<>();
        for (Iterator<String> names = body.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!FIELDS.containsKey(name)) {
                violations.add(new ApiError.FieldViolation(name, "is not a field of this request"));
            }
        }
        Set<String> wrongType = new HashSet<>();
        FIELDS.forEach((name, kind) -> {
            JsonNode value = body.get(name);
            if (value != null && !value.isNull() && !hasKind(value, kind)) {
                wrongType.add(name);
                violations.add(new ApiError.FieldViolation(name, kind.message));
            }
        });
        CreditRequest request = new CreditRequest(text(body, "applicantName", wrongType),
                text(body, "email", wrongType), decimal(body, "amount", wrongType), whole(body, "termMonths", wrongType),
                decimal(body, "annualIncome", wrongType), decimal(body, "monthlyDebt", wrongType));
        for (ConstraintViolation<CreditRequest> v : validator.validate(request)) {
            String field = v.getPropertyPath().toString();
            if (!wrongType.contains(field)) {
                violations.add(new ApiError.FieldViolation(field, v.getMessage()));
            }
        }
        if (!violations.isEmpty()) {
            violations.sort(Comparator.comparing(ApiError.FieldViolation::field)
                    .thenComparing(ApiError.FieldViolation::message));
            throw new RequestViolationsException(violations);
        }
        return request;
    }

    private static boolean hasKind(JsonNode value, Kind kind) {
        return switch (kind) {
            case TEXT -> value.isTextual();
            case DECIMAL -> value.isNumber();
            case WHOLE -> value.isIntegralNumber() && value.canConvertToInt();
        };
    }

    private static String text(JsonNode body, String name, Set<String> wrongType) {
        JsonNode value = body.get(name);
        return value == null || value.isNull() || wrongType.contains(name) ? null : value.textValue();
    }

    private static BigDecimal decimal(JsonNode body, String name, Set<String> wrongType) {
        JsonNode value = body.get(name);
        return value == null || value.isNull() || wrongType.contains(name) ? null : value.decimalValue();
    }

    private static Integer whole(JsonNode body, String name, Set<String> wrongType) {
        JsonNode value = body.get(name);
        return value == null || value.isNull() || wrongType.contains(name) ? null : value.intValue();
    }
}
