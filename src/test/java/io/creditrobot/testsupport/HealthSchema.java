package io.creditrobot.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/** The MicroProfile Health 4.0 JSON schema, as shipped in microprofile-health-tck 4.0.1 (draft-04). */
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
