package io.creditrobot.docs;

import static io.creditrobot.testsupport.Tokens.asOperator;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.creditrobot.testsupport.ManagementPortResource;
import io.quarkus.test.junit.QuarkusTest;

/** /q/openapi describes every API operation with its error responses, and the health endpoints too. */
@QuarkusTest
class OpenApiTest {

    static final Map<String, Set<String>> EXPECTED = Map.of(
            "POST /api/applications", Set.of("201", "400", "401", "403", "409", "413", "414", "415", "431", "500",
                    "503"),
            "GET /api/applications", Set.of("200", "400", "401", "403", "414", "431", "500", "503"),
            "GET /api/applications/{id}", Set.of("200", "400", "401", "403", "404", "414", "431", "500", "503"),
            "GET /health", Set.of("200", "503"),
            "GET /q/health/live", Set.of("200", "503"),
            "GET /q/health/ready", Set.of("200", "503"),
            "GET /q/health/started", Set.of("200", "503"),
            "GET /q/health/well", Set.of("200", "503"),
            "GET /q/health", Set.of("200", "503"));

    @Test
    void everyOperationIsDescribedWithItsErrorResponses() throws Exception {
        String json = asOperator().queryParam("format", "json").get(ManagementPortResource.url("/q/openapi"))
                .then().statusCode(200).extract().asString();
        JsonNode paths = new ObjectMapper().readTree(json).path("paths");
        List<String> operations = new ArrayList<>();
        paths.fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (Set.of("get", "post", "put", "delete", "patch").contains(op.getKey())) {
                operations.add(op.getKey().toUpperCase() + " " + path.getKey());
            }
        }));
        assertEquals(new TreeSet<>(EXPECTED.keySet()), new TreeSet<>(operations), "documented operations");
        EXPECTED.forEach((operation, codes) -> {
            String[] parts = operation.split(" ", 2);
            JsonNode op = paths.path(parts[1]).path(parts[0].toLowerCase());
            assertFalse(op.path("summary").asText().isBlank(), operation + " has a summary");
            Set<String> documented = new TreeSet<>();
            op.path("responses").fieldNames().forEachRemaining(documented::add);
            assertEquals(new TreeSet<>(codes), documented, operation + " responses");
            op.path("responses").fields().forEachRemaining(r -> assertFalse(
                    r.getValue().path("description").asText().isBlank() && !r.getValue().has("$ref"),
                    operation + " " + r.getKey() + " is described"));
        });
        JsonNode post = paths.path("/api/applications").path("post");
        assertNotNull(post.path("requestBody").path("content").path("application/json").path("examples").get("approved"),
                "the request body has an example");
        assertTrue(json.contains("Retry-After"), "503 documents Retry-After");
    }

    @Test
    void swaggerUiAndTheHealthUiAreServedOnTheManagementPort() {
        asOperator().get(ManagementPortResource.url("/q/swagger-ui/")).then().statusCode(200);
        asOperator().get(ManagementPortResource.url("/q/health-ui/")).then().statusCode(200);
    }
}
