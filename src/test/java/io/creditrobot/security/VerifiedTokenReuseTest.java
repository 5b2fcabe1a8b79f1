package io.creditrobot.security;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.creditrobot.testsupport.Slack;
import io.creditrobot.testsupport.Tokens;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Reused verifications, through the real chain (the suite's issuer, quarkus-oidc, {@code @RolesAllowed}): a token
 * sent again is served from {@link VerifiedTokens} and still names its own caller, while an altered or expired one is
 * refused as before.
 */
@QuarkusTest
class VerifiedTokenReuseTest {

    private static final String APPLICATIONS = "/api/applications";
    private static final Map<String, Object> BODY = Map.of("applicantName", "Reuse Tester", "email",
            "reuse@example.com", "amount", 5000, "termMonths", 24, "annualIncome", 80000, "monthlyDebt", 0);

    @Inject
    MeterRegistry registry;

    @Inject
    VerifiedTokensConfig config;

    private double reused() {
        FunctionCounter hits = registry.find("cache.gets").tags("cache", VerifiedTokens.CACHE_NAME, "result", "hit")
                .functionCounter();
        return hits == null ? 0 : hits.count();
    }

    private static Response get(String token, String path) {
        return given().header("Authorization", "Bearer " + token).get(path);
    }

    @Test
    void aTokenSentAgainIsServedFromTheKeptVerificationAndStillNamesItsOwnCaller() {
        String alice = Tokens.token("reuse-alice", "applicant");
        String bob = Tokens.token("reuse-bob", "applicant");
        String alices = given().header("Authorization", "Bearer " + alice).contentType(ContentType.JSON).body(BODY)
                .post(APPLICATIONS).then().statusCode(201).extract().jsonPath().getString("id");
        get(bob, APPLICATIONS).then().statusCode(200);

        double before = reused();
        for (int i = 0; i < 5; i++) {
            get(alice, APPLICATIONS + "/" + alices).then().statusCode(200);
            Response foreign = get(bob, APPLICATIONS + "/" + alices);
            assertEquals(404, foreign.statusCode(), "bob's kept token read alice's application: " + foreign.asString());
        }
        assertTrue(reused() - before >= 10, "10 requests with kept tokens, " + (reused() - before) + " reuses");
    }

    @Test
    void anAlteredCopyOfAKeptTokenIsRefused() {
        String alice = Tokens.token("reuse-altered", "applicant");
        get(alice, APPLICATIONS).then().statusCode(200);
        get(alice, APPLICATIONS).then().statusCode(200);

        // inside the signature: its last character carries padding bits, which a change may leave the same bytes
        int at = alice.length() - 10;
        String altered = alice.substring(0, at) + (alice.charAt(at) == 'A' ? 'B' : 'A') + alice.substring(at + 1);
        get(altered, APPLICATIONS).then().statusCode(401);
        get(alice + ".", APPLICATIONS).then().statusCode(401);
    }

    @Test
    void aKeptTokenIsRefusedOnceItExpires() {
        // exp is in whole seconds, so the token lives between lifetime - 1 s and lifetime: room for two requests on a
        // loaded machine, and still well within reuse-for
        Duration lifetime = Duration.ofSeconds(5);
        assertTrue(config.reuseFor().compareTo(lifetime) > 0, "the test needs reuse-for to outlast the token");
        String shortLived = Tokens.issuer().sign(Tokens.issuer().claims("reuse-expiry", lifetime, "applicant"));
        get(shortLived, APPLICATIONS).then().statusCode(200);
        double before = reused();
        get(shortLived, APPLICATIONS).then().statusCode(200);
        assertTrue(reused() > before, "the second request did not reuse the verification");

        await().atMost(Duration.ofMillis(Slack.millis(lifetime))).pollInterval(Duration.ofMillis(200))
                .until(() -> get(shortLived, APPLICATIONS).statusCode() == 401);
    }
}
