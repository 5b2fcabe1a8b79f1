package io.creditrobot.testsupport;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import io.creditrobot.dev.DevIssuer;
import io.restassured.specification.RequestSpecification;

/**
 * Access tokens for the suite, from one in-process OpenID Connect issuer per test JVM ({@link DevIssuer}: real
 * discovery and JWKS over HTTP on loopback, RS256 keys generated at start). The application under test verifies them
 * exactly as it verifies a Keycloak realm's: {@link TestCredentialsResource} and {@link PackagedApp} point
 * {@code quarkus.oidc.auth-server-url} at it.
 */
public final class Tokens {

    /** The applicant whose token the API tests use unless they say otherwise. */
    public static final String ALICE = "alice";
    public static final String BOB = "bob";
    public static final String OLIVIA = "olivia";
    /** The management port's operator, as the suite configures it. */
    public static final String OPERATOR = "operator";
    public static final String OPERATOR_PASSWORD = "operator-test";
    /** Longer than any test run: a test that wants expiry makes its own token. */
    private static final Duration LIFETIME = Duration.ofHours(2);

    private static DevIssuer issuer;

    private Tokens() {
    }

    public static synchronized DevIssuer issuer() {
        if (issuer == null) {
            try {
                issuer = DevIssuer.start(0);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the test issuer", e);
            }
        }
        return issuer;
    }

    /** What the application under test is given: the issuer and the operator's password. */
    public static Map<String, String> applicationConfig() {
        return Map.of("quarkus.oidc.auth-server-url", issuer().issuer(),
                "creditrobot.management.operator-password", OPERATOR_PASSWORD);
    }

    /** The {@code Authorization} header value of the management port's operator. */
    public static String operatorBasic() {
        return "Basic " + Base64.getEncoder().encodeToString((OPERATOR + ":" + OPERATOR_PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** RestAssured as the management port's operator. */
    public static RequestSpecification asOperator() {
        return given().header("Authorization", operatorBasic());
    }

    /** A valid token for {@code subject} with {@code roles}. */
    public static String token(String subject, String... roles) {
        return issuer().sign(issuer().claims(subject, LIFETIME, roles));
    }

    /** The {@code Authorization} header value of alice, an applicant. */
    public static String bearer() {
        return "Bearer " + token(ALICE, "applicant");
    }

    /** The header line of {@link #bearer()}, CRLF included, for requests written by hand. */
    public static String authorizationLine() {
        return "Authorization: " + bearer() + "\r\n";
    }

    /** RestAssured as alice, an applicant. */
    public static RequestSpecification asApplicant() {
        return asApplicant(ALICE);
    }

    public static RequestSpecification asApplicant(String subject) {
        return given().header("Authorization", "Bearer " + token(subject, "applicant"));
    }

    /** RestAssured as olivia, an officer. */
    public static RequestSpecification asOfficer() {
        return given().header("Authorization", "Bearer " + token(OLIVIA, "officer"));
    }
}
