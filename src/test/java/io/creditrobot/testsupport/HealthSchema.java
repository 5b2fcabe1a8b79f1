package io.creditrobot.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * The MicroProfile Health 4.0 JSON schema, as shipped in microprofile-health-tck 4.0.1 (draft-04), and reading one
 * check out of a parsed health document.
 */
public final class HealthSchema {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonSchema SCHEMA = load();

    private HealthSchema() {
    }

    /** The schema violations of a health response body; empty when it conforms. */
    public static Set<ValidationMessage> violations(String body) {
        try {
            return SCHEMA.validate(MAPPER.readTree(body));
        } catch (IOException e) {
            throw new UncheckedIOException("Not JSON: " + body, e);
        }
    }

    /** The check named {@code name} in a health document, parsed; a missing node when there is none. */
    public static JsonNode check(String body, String name) {
        try {
            for (JsonNode check : MAPPER.readTree(body).path("checks")) {
                if (name.equals(check.path("name").asText())) {
                    return check;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Not JSON: " + body, e);
        }
        return MissingNode.getInstance();
    }

    /** What the check named {@code name} gives as its {@code reason} (data.reason); empty when it gives none. */
    public static String reason(String body, String name) {
        return check(body, name).path("data").path("reason").asText("");
    }

    /** The check named {@code name}'s status ({@code UP} or {@code DOWN}); empty when there is no such check. */
    public static String status(String body, String name) {
        return check(body, name).path("status").asText("");
    }

    private static JsonSchema load() {
        try (InputStream in = HealthSchema.class.getResourceAsStream("/health-check-schema.json")) {
            if (in == null) {
                throw new IllegalStateException("health-check-schema.json missing: is microprofile-health-tck on the test class path?");
            }
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
