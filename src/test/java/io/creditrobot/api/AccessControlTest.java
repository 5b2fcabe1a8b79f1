package io.creditrobot.api;

import static io.creditrobot.testsupport.Tokens.asApplicant;
import static io.creditrobot.testsupport.Tokens.asOfficer;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;

import io.creditrobot.dev.DevIssuer;
import io.creditrobot.security.VerifiedTokensConfig;
import io.creditrobot.testsupport.Http;
import io.creditrobot.testsupport.Slack;
import io.creditrobot.testsupport.Tokens;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Who may do what, against the real token verification (the suite's issuer serves discovery and JWKS over HTTP):
 * every forged or stale token is a 401 JSON with a Bearer challenge, roles give 403, another owner's data is a 404
 * exactly like an unknown id, and idempotency keys belong to their owner.
 */
@QuarkusTest
class AccessControlTest {

    private static final String APPLICATIONS = "/api/applications";
    private static final Map<String, Object> BODY = Map.of("applicantName", "Ada Owner", "email",
            "ada.owner@example.com", "amount", 5000, "termMonths", 24, "annualIncome", 80000, "monthlyDebt", 0);

    private final DevIssuer issuer = Tokens.issuer();

    @Test
    void everyRefusedTokenIsA401WithABearerChallengeAndJson() throws Exception {
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("expired", issuer.sign(claims(Duration.ofMinutes(-5))));
        JwtClaims otherIssuer = claims(Duration.ofMinutes(5));
        otherIssuer.setIssuer("http://127.0.0.1:1/another-issuer");
        tokens.put("another issuer", issuer.sign(otherIssuer));
        JwtClaims otherAudience = claims(Duration.ofMinutes(5));
        otherAudience.setAudience("another-service");
        tokens.put("another audience", issuer.sign(otherAudience));
        tokens.put("alg none", unsigned(claims(Duration.ofMinutes(5))));
        tokens.put("tampered signature", tamperedSignature(Tokens.token(Tokens.ALICE, "applicant")));
        tokens.put("tampered payload", tamperedPayload(Tokens.token(Tokens.ALICE, "applicant")));
        tokens.put("HS256 keyed with the public key", hs256WithThePublicKey(claims(Duration.ofMinutes(5))));
        tokens.put("unknown key id", signedByAStranger(claims(Duration.ofMinutes(5))));
        tokens.put("not a JWT", "not-a-token");

        for (Map.Entry<String, String> token : tokens.entrySet()) {
            for (String method : List.of("GET", "POST")) {
                Response answer = given().header("Authorization", "Bearer " + token.getValue())
                        .contentType(ContentType.JSON).body(BODY).request(method, APPLICATIONS);
                assertEquals(401, answer.statusCode(), token.getKey() + ", " + method + ": " + answer.asString());
                assertEquals("Bearer error=\"invalid_token\"", answer.header("WWW-Authenticate"), token.getKey());
                assertEquals(401, answer.jsonPath().getInt("status"), token.getKey());
            }
        }
        Response none = given().contentType(ContentType.JSON).body(BODY).post(APPLICATIONS);
        assertEquals(401, none.statusCode(), none.asString());
        assertEquals("Bearer", none.header("WWW-Authenticate"));
        assertEquals("application/json", none.contentType());
        given().get(APPLICATIONS + "/" + UUID.randomUUID()).then().statusCode(401);
    }

    /** A verified token whose subject the owner column cannot hold identifies no one: 401, never a failed INSERT. */
    @Test
    void aSubjectTheOwnerColumnCannotHoldIsA401NotA500() {
        for (String subject : List.of("s".repeat(CreditApplicationResource.MAX_SUBJECT + 1), "nul\u0000inside", " ")) {
            Response answer = given().header("Authorization", "Bearer " + Tokens.token(subject, "applicant"))
                    .contentType(ContentType.JSON).body(BODY).post(APPLICATIONS);
            assertEquals(401, answer.statusCode(), subject.length() + " characters: " + answer.asString());
        }
        String longest = "s".repeat(CreditApplicationResource.MAX_SUBJECT);
        given().header("Authorization", "Bearer " + Tokens.token(longest, "applicant")).contentType(ContentType.JSON)
                .body(BODY).post(APPLICATIONS).then().statusCode(201);
    }

    /**
     * A subject with an unpaired surrogate would be stored as {@code victim?} (UTF-8 has no encoding for it) and so
     * read the applications of the subject {@code victim?}: 401, and the other subject's data stays its own.
     */
    @Test
    void aSubjectThatIsNotWellFormedUnicodeIsA401AndNeverAnotherSubject() throws Exception {
        String victim = "victim?-" + UUID.randomUUID();
        String id = given().header("Authorization", "Bearer " + Tokens.token(victim, "applicant"))
                .contentType(ContentType.JSON).body(BODY).post(APPLICATIONS).then().statusCode(201)
                .extract().jsonPath().getString("id");
        String placeholder = "SUBJECT-" + UUID.randomUUID();
        String payload = issuer.claims(placeholder, Duration.ofMinutes(5), "applicant").toJson()
                .replace(placeholder, victim.replace("?", "\\ud800"));
        String forged = issuer.signJson(payload);
        for (String path : List.of(APPLICATIONS, APPLICATIONS + "/" + id)) {
            Response answer = given().header("Authorization", "Bearer " + forged).get(path);
            assertEquals(401, answer.statusCode(), path + ": " + answer.asString());
        }
        Response post = given().header("Authorization", "Bearer " + forged).contentType(ContentType.JSON).body(BODY)
                .post(APPLICATIONS);
        assertEquals(401, post.statusCode(), post.asString());
    }

    /**
     * A token the issuer signed that says it is not an access token ({@code typ} {@code Refresh} or {@code ID}, as
     * Keycloak marks them) is a 401 like any invalid token, never the 503 of an unreachable issuer; {@code Bearer}
     * passes.
     */
    @Test
    void aSignedTokenOfAnotherTypeIsA401NotAnUnreachableIssuer() {
        for (String typ : List.of("Refresh", "ID", "Offline")) {
            JwtClaims claims = issuer.claims(Tokens.ALICE, Duration.ofMinutes(5), "applicant");
            claims.setClaim("typ", typ);
            Response answer = given().header("Authorization", "Bearer " + issuer.sign(claims)).get(APPLICATIONS);
            assertEquals(401, answer.statusCode(), typ + ": " + answer.asString());
            assertEquals("Bearer error=\"invalid_token\"", answer.header("WWW-Authenticate"), typ);
        }
        JwtClaims bearer = issuer.claims(Tokens.ALICE, Duration.ofMinutes(5), "applicant");
        bearer.setClaim("typ", "Bearer");
        assertEquals(200, given().header("Authorization", "Bearer " + issuer.sign(bearer)).get(APPLICATIONS)
                .statusCode());
    }

    /** A signed, valid token longer than the limit is refused before it is parsed: its size cannot fill the heap. */
    @Test
    void aTokenLongerThanTheLimitIsA401BeforeAnyVerification() {
        int limit = ConfigProvider.getConfig().getOptionalValue(
                "creditrobot.security.verified-tokens.max-token-length", Integer.class)
                .orElse(Integer.parseInt(VerifiedTokensConfig.DEFAULT_MAX_TOKEN_LENGTH));
        JwtClaims claims = issuer.claims(Tokens.ALICE, Duration.ofMinutes(5), "applicant");
        claims.setClaim("padding", "p".repeat(limit));
        Response answer = given().header("Authorization", "Bearer " + issuer.sign(claims)).get(APPLICATIONS);
        assertEquals(401, answer.statusCode(), answer.asString());
        assertEquals("Bearer error=\"invalid_token\"", answer.header("WWW-Authenticate"));
        JwtClaims fits = issuer.claims(Tokens.ALICE, Duration.ofMinutes(5), "applicant");
        fits.setClaim("padding", "p".repeat(limit / 2));
        given().header("Authorization", "Bearer " + issuer.sign(fits)).get(APPLICATIONS).then().statusCode(200);
    }

    /**
     * The API port takes bearer tokens only: the operator's right password and a wrong one get the same 401 as no
     * credentials at all, so the API port is no oracle for the management port's password.
     */
    @Test
    void basicCredentialsOnTheApiPortAreTheSame401AsNone() {
        String wrong = "Basic " + Base64.getEncoder().encodeToString((Tokens.OPERATOR + ":wrong")
                .getBytes(StandardCharsets.UTF_8));
        Response none = given().get(APPLICATIONS);
        for (String authorization : List.of(Tokens.operatorBasic(), wrong)) {
            Response answer = given().header("Authorization", authorization).get(APPLICATIONS);
            assertEquals(401, answer.statusCode(), answer.asString());
            assertEquals(none.header("WWW-Authenticate"), answer.header("WWW-Authenticate"));
            assertEquals(none.asString(), answer.asString());
        }
    }

    @Test
    void anApplicantReadsAndListsOnlyTheirOwnAndAnotherOwnersIdIsNotFound() {
        String alices = submit(Tokens.ALICE, null).jsonPath().getString("id");
        String bobs = submit(Tokens.BOB, null).jsonPath().getString("id");

        asApplicant(Tokens.BOB).get(APPLICATIONS + "/" + bobs).then().statusCode(200);
        Response foreign = asApplicant(Tokens.BOB).get(APPLICATIONS + "/" + alices);
        Response unknown = asApplicant(Tokens.BOB).get(APPLICATIONS + "/" + UUID.randomUUID());
        assertEquals(404, foreign.statusCode());
        assertEquals(unknown.jsonPath().getString("error"), foreign.jsonPath().getString("error"));
        assertEquals(unknown.asString().replaceAll("[0-9a-f-]{36}", "ID"),
                foreign.asString().replaceAll("[0-9a-f-]{36}", "ID"), "no existence oracle");

        asApplicant(Tokens.BOB).queryParam("size", 100).get(APPLICATIONS).then().statusCode(200)
                .body("items.id", hasItem(bobs)).body("items.id", not(hasItem(alices)));
        asApplicant(Tokens.BOB).queryParam("scope", "own").get(APPLICATIONS).then().statusCode(200)
                .body("items.id", not(hasItem(alices)));
        Response all = asApplicant(Tokens.BOB).queryParam("scope", "all").get(APPLICATIONS);
        assertEquals(403, all.statusCode(), all.asString());
        assertEquals(403, all.jsonPath().getInt("status"));
        asApplicant(Tokens.BOB).queryParam("scope", "everyone").get(APPLICATIONS).then().statusCode(400);
    }

    @Test
    void anOfficerReadsAndListsEveryonesApplicationsButSubmitsNone() {
        String alices = submit(Tokens.ALICE, null).jsonPath().getString("id");
        String bobs = submit(Tokens.BOB, null).jsonPath().getString("id");

        asOfficer().get(APPLICATIONS + "/" + alices).then().statusCode(200).body("id", equalTo(alices));
        asOfficer().queryParam("size", 100).get(APPLICATIONS).then().statusCode(200)
                .body("items.id", hasItem(alices)).body("items.id", hasItem(bobs));
        asOfficer().queryParam("size", 100).queryParam("decision", "APPROVED").get(APPLICATIONS).then()
                .statusCode(200).body("items.id", hasItem(alices));
        Response submitted = asOfficer().contentType(ContentType.JSON).body(BODY).post(APPLICATIONS);
        assertEquals(403, submitted.statusCode(), submitted.asString());

        String nobody = Tokens.token("mallory");
        given().header("Authorization", "Bearer " + nobody).get(APPLICATIONS).then().statusCode(403);
    }

    @Test
    void theSameIdempotencyKeyFromTwoApplicantsMakesTwoApplications() {
        String key = "shared-" + UUID.randomUUID();
        Response alices = submit(Tokens.ALICE, key);
        Response bobs = submit(Tokens.BOB, key);
        assertEquals(201, alices.statusCode());
        assertEquals(201, bobs.statusCode());
        assertNotEquals(alices.jsonPath().getString("id"), bobs.jsonPath().getString("id"));
        assertEquals(null, bobs.header("Idempotent-Replayed"), "bob never gets alice's record");

        Response again = submit(Tokens.BOB, key);
        assertEquals("true", again.header("Idempotent-Replayed"));
        assertEquals(bobs.jsonPath().getString("id"), again.jsonPath().getString("id"));
    }

    /**
     * A new signing key (a realm key rotation): tokens it signs are accepted once the application refetches the JWKS,
     * which an unknown key id triggers at most once per {@code forced-jwk-refresh-interval}; tokens the old key
     * signed keep verifying until they expire. (The suite's other tokens keep the first key: applications started
     * meanwhile, concurrently in the integration tests, never meet a key id they lack.)
     */
    @Test
    void aRotatedKeyIsFetchedOnItsFirstTokenAndTheOldKeysTokensStillVerify() throws Exception {
        String before = Tokens.token(Tokens.ALICE, "applicant");
        RsaJsonWebKey rotated = issuer.publishNewKey();
        String after = issuer.sign(issuer.claims(Tokens.ALICE, Duration.ofMinutes(5), "applicant"), rotated);
        Duration refresh = ConfigProvider.getConfig().getValue("quarkus.oidc.token.forced-jwk-refresh-interval",
                Duration.class);
        await().atMost(refresh.plusSeconds(5)).pollInterval(Duration.ofMillis(500)).until(() -> given()
                .header("Authorization", "Bearer " + after).get(APPLICATIONS).statusCode() == 200);
        given().header("Authorization", "Bearer " + before).get(APPLICATIONS).then().statusCode(200);
    }

    /**
     * A key the issuer withdraws from its JWKS stops verifying within one keys-refresh and its timeout, for tokens
     * verified (and so reusable) before and for tokens forged with it afterwards, although no token names a key id
     * the application lacks (which is all that makes quarkus-oidc refetch the JWKS).
     */
    @Test
    void aWithdrawnKeyStopsVerifyingWithinOneKeysRefresh() throws Exception {
        Duration refresh = ConfigProvider.getConfig().getOptionalValue(
                "creditrobot.security.verified-tokens.keys-refresh", Duration.class)
                .orElse(DurationConverter.parseDuration(VerifiedTokensConfig.DEFAULT_KEYS_REFRESH));
        Duration timeout = ConfigProvider.getConfig().getOptionalValue(
                "creditrobot.security.verified-tokens.keys-timeout", Duration.class)
                .orElse(DurationConverter.parseDuration(VerifiedTokensConfig.DEFAULT_KEYS_TIMEOUT));
        Duration forced = ConfigProvider.getConfig().getValue("quarkus.oidc.token.forced-jwk-refresh-interval",
                Duration.class);
        RsaJsonWebKey key = issuer.publishNewKey();
        String before = issuer.sign(issuer.claims(Tokens.ALICE, Duration.ofMinutes(5), "applicant"), key);
        await("the new key verifies").atMost(forced.plus(Slack.slack())).pollInterval(Duration.ofMillis(500))
                .until(() -> given().header("Authorization", "Bearer " + before).get(APPLICATIONS).statusCode() == 200);
        Thread.sleep(refresh.plus(timeout).toMillis()); // a refresh has seen it published

        issuer.withdraw(key);
        long since = System.nanoTime();
        await("the withdrawn key refused").atMost(refresh.plus(timeout).plus(Slack.slack()))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> given().header("Authorization", "Bearer " + before).get(APPLICATIONS).statusCode() == 401);
        System.out.printf("withdrawn key refused %d ms after it left the JWKS%n", Http.elapsedMillis(since));
        String forged = issuer.sign(issuer.claims(Tokens.BOB, Duration.ofMinutes(5), "applicant"), key);
        Response answer = given().header("Authorization", "Bearer " + forged).get(APPLICATIONS);
        assertEquals(401, answer.statusCode(), answer.asString());
        assertEquals("Bearer error=\"invalid_token\"", answer.header("WWW-Authenticate"));
        given().header("Authorization", Tokens.bearer()).get(APPLICATIONS).then().statusCode(200);
    }

    @Test
    void probesAndThePublicHealthNeedNoToken() {
        given().get("/health").then().statusCode(200);
        given().options(APPLICATIONS).then().statusCode(204);
    }

    private static Response submit(String applicant, String key) {
        var request = asApplicant(applicant).contentType(ContentType.JSON).body(BODY);
        if (key != null) {
            request = request.header("Idempotency-Key", key);
        }
        Response answer = request.post(APPLICATIONS);
        assertEquals(201, answer.statusCode(), answer.asString());
        return answer;
    }

    private JwtClaims claims(Duration lifetime) throws Exception {
        JwtClaims claims = issuer.claims(Tokens.ALICE, Duration.ofMinutes(5), "applicant");
        claims.setExpirationTimeMinutesInTheFuture(lifetime.toSeconds() / 60f);
        return claims;
    }

    private static String unsigned(JwtClaims claims) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.NONE);
        jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
        return jws.getCompactSerialization();
    }

    private String hs256WithThePublicKey(JwtClaims claims) throws Exception {
        RsaJsonWebKey published = (RsaJsonWebKey) PublicJsonWebKey.Factory.newPublicJwk(issuer.publicJwk());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKeyIdHeaderValue(published.getKeyId());
        jws.setKey(new HmacKey(published.getPublicKey().getEncoded()));
        return jws.getCompactSerialization();
    }

    private static String signedByAStranger(JwtClaims claims) throws Exception {
        RsaJsonWebKey stranger = RsaJwkGenerator.generateJwk(2048);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKeyIdHeaderValue("key-of-a-stranger");
        jws.setKey(stranger.getPrivateKey());
        return jws.getCompactSerialization();
    }

    private static String tamperedSignature(String token) {
        char last = token.charAt(token.length() - 2);
        return token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
    }

    /** The payload re-encoded with another subject, the original signature kept. */
    private static String tamperedPayload(String token) {
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"sub\":\"alice\"", "\"sub\":\"bob\"");
        return parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    }
}
