package io.creditrobot.health;

import static io.creditrobot.testsupport.Tokens.asApplicant;
import static io.creditrobot.testsupport.Tokens.asOperator;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.creditrobot.testsupport.ManagementPortResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * The management port to a browser and a client: no other origin may read it, an unknown health group is a 404 (never
 * an empty UP), and OpenAPI names the port each operation is served on.
 */
@QuarkusTest
class ManagementPortTest {

    /** No CORS on the management port: a browser page of another origin may not read health, metrics or OpenAPI. */
    @Test
    void theManagementPortAllowsNoOtherOrigin() {
        for (String path : List.of("/q/health/ready", "/q/health/live", "/q/metrics", "/q/openapi",
                "/q/health/history")) {
            for (var caller : List.of(asOperator(), io.restassured.RestAssured.given())) {
                io.restassured.response.Response r = caller.header("Origin", "https://evil.example")
                        .get(ManagementPortResource.url(path));
                assertEquals(null, r.getHeader("Access-Control-Allow-Origin"), path + " " + r.getHeaders());
            }
        }
    }

    @Test
    void unknownHealthGroupsAre404AndEachOperationNamesItsOwnPort() {
        asOperator().get(ManagementPortResource.url("/q/health/group/anything")).then().statusCode(404)
                .contentType(ContentType.JSON);
        asApplicant().get(ManagementPortResource.url("/q/health/ready")).then().statusCode(200);
        JsonPath openapi = asOperator().accept("application/json").get(ManagementPortResource.url("/q/openapi")).then()
                .statusCode(200).extract().jsonPath();
        String api = openapi.getString("paths.'/api/applications'.servers[0].url");
        String health = openapi.getString("paths.'/q/health/ready'.servers[0].url");
        assertTrue(api != null && health != null && !api.equals(health), api + " vs " + health);
        assertTrue(api.startsWith("http://{host}:") && health.startsWith("http://{host}:"), api + " " + health);
    }
}
