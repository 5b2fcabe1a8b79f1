package io.creditrobot.security;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.Test;

import com.github.benmanes.caffeine.cache.Ticker;

import io.creditrobot.testsupport.Slack;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.runtime.OidcJwtCallerPrincipal;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.security.StringPermission;
import io.quarkus.security.credential.PasswordCredential;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.vertx.ext.web.RoutingContext;

/**
 * What {@link VerifiedTokens} keeps and for how long, on a clock the test moves: never past reuse-for, never at or
 * after the token's exp, only identities quarkus-oidc built from a JWT access token, and never the request one came
 * from.
 */
class VerifiedTokensTest {

    private static final long NOW = 1_800_000_000L;
    private static final String TOKEN = "header.claims.signature";

    private final AtomicLong nanos = new AtomicLong();
    private final AtomicLong epochSecond = new AtomicLong(NOW);

    /** Room for {@code entries} tokens of {@link #TOKEN}'s length (plus a digit or two). */
    private VerifiedTokens tokens(Duration reuseFor, int entries) {
        return new VerifiedTokens(config(reuseFor, entries * VerifiedTokens.weight(TOKEN + "00")), nanos::get,
                epochSecond::get);
    }

    private static VerifiedTokensConfig config(Duration reuseFor, long maxBytes) {
        return new VerifiedTokensConfig() {
            @Override
            public Duration reuseFor() {
                return reuseFor;
            }

            @Override
            public int maxTokenLength() {
                return 100;
            }

            @Override
            public MemorySize maxSize() {
                return new MemorySize(BigInteger.valueOf(maxBytes));
            }

            @Override
            public Duration keysRefresh() {
                return Duration.ZERO;
            }

            @Override
            public Duration keysTimeout() {
                return Duration.ofSeconds(2);
            }
        };
    }

    private static SecurityIdentity verified(String token, long expiresAt, Object request) {
        JwtClaims claims = new JwtClaims();
        claims.setSubject("alice");
        claims.setExpirationTime(NumericDate.fromSeconds(expiresAt));
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(new OidcJwtCallerPrincipal(claims, new AccessTokenCredential(token)))
                .addCredential(new AccessTokenCredential(token))
                .addRole("applicant")
                .addPermissionAsString("openid")
                .addAttribute("tenant-id", "Default")
                .addAttribute(RoutingContext.class.getName(), request)
                .build();
    }

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
        epochSecond.addAndGet(duration.toSeconds());
    }

    @Test
    void aVerifiedTokenIsReusedWithItsRolesPermissionsAndAttributesButTheCurrentRequest() {
        VerifiedTokens tokens = tokens(Duration.ofSeconds(10), 10);
        Object firstRequest = new Object();
        tokens.remember(verified(TOKEN, NOW + 300, firstRequest));

        SecurityIdentity reused = tokens.find(TOKEN, null).orElseThrow();

        assertEquals("alice", reused.getPrincipal().getName());
        assertTrue(reused.hasRole("applicant"));
        assertTrue(reused.checkPermissionBlocking(new StringPermission("openid")));
        assertEquals("Default", reused.getAttribute("tenant-id"));
        assertTrue(reused.getAttributes().containsKey(RoutingContext.class.getName()));
        assertNull(reused.getAttribute(RoutingContext.class.getName()),
                "a reused identity must carry the current request, never the one it was verified for");
        assertSame(TOKEN, reused.getCredential(AccessTokenCredential.class).getToken());
    }

    @Test
    void aTokenIsVerifiedAgainOnceReuseForHasPassed() {
        VerifiedTokens tokens = tokens(Duration.ofSeconds(10), 10);
        tokens.remember(verified(TOKEN, NOW + 300, null));

        advance(Duration.ofSeconds(9));
        assertTrue(tokens.find(TOKEN, null).isPresent());
        advance(Duration.ofSeconds(1));
        assertFalse(tokens.find(TOKEN, null).isPresent(), "reused past reuse-for (10 s)");
    }

    @Test
    void aTokenIsNeverReusedAtOrAfterItsExpiry() {
        VerifiedTokens tokens = tokens(Duration.ofSeconds(10), 10);
        tokens.remember(verified(TOKEN, NOW + 3, null));

        advance(Duration.ofSeconds(2));
        assertTrue(tokens.find(TOKEN, null).isPresent());
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
        epochSecond.addAndGet(1);
        assertFalse(tokens.find(TOKEN, null).isPresent(), "reused at its exp");

        tokens.remember(verified(TOKEN, NOW + 3, null));
        assertFalse(tokens.find(TOKEN, null).isPresent(), "an expired token was kept");
    }

    @Test
    void onlyTheExactTokenTextFindsAnEntry() {
        VerifiedTokens tokens = tokens(Duration.ofSeconds(10), 10);
        tokens.remember(verified(TOKEN, NOW + 300, null));

        assertFalse(tokens.find(TOKEN + "x", null).isPresent());
        assertFalse(tokens.find(TOKEN.substring(1), null).isPresent());
        assertFalse(tokens.find(TOKEN.replace('s', 'S'), null).isPresent());
    }

    @Test
    void identitiesNotBuiltByQuarkusOidcFromAJwtAccessTokenAreNotKept() {
        VerifiedTokens tokens = tokens(Duration.ofSeconds(10), 10);
        tokens.remember(QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal("operator"))
                .addCredential(new PasswordCredential("secret".toCharArray())).addRole("operator").build());
        tokens.remember(QuarkusSecurityIdentity.builder().setAnonymous(true).build());

        assertFalse(tokens.find("operator", null).isPresent());
        assertFalse(tokens.find("secret", null).isPresent());
    }

    @Test
    void theNumberOfKeptTokensIsBounded() {
        VerifiedTokens tokens = tokens(Duration.ofSeconds(10), 3);
        for (int i = 0; i < 50; i++) {
            tokens.remember(verified(TOKEN + i, NOW + 300, null));
        }
        long kept = IntStream.range(0, 50)
                .filter(i -> tokens.find(TOKEN + i, null).isPresent()).count();
        assertTrue(kept <= 3, kept + " tokens kept with room for 3");
    }

    /** The bound is the tokens' weight, so a long token takes the room of many short ones. */
    @Test
    void aLongTokenTakesTheRoomOfManyShortOnes() {
        VerifiedTokens tokens = tokens(Duration.ofSeconds(10), 10);
        for (int i = 0; i < 5; i++) {
            tokens.remember(verified(TOKEN + i, NOW + 300, null));
        }
        String longToken = TOKEN + "x".repeat(90);
        tokens.remember(verified(longToken, NOW + 300, null));
        long shortKept = IntStream.range(0, 5).filter(i -> tokens.find(TOKEN + i, null).isPresent()).count();
        long weight = shortKept * VerifiedTokens.weight(TOKEN + "0")
                + (tokens.find(longToken, null).isPresent() ? VerifiedTokens.weight(longToken) : 0);
        assertTrue(weight <= 10 * VerifiedTokens.weight(TOKEN + "00"), weight + " bytes kept");
    }

    @Test
    void aTokenLongerThanTheLimitIsTooLongToVerify() {
        VerifiedTokens tokens = tokens(Duration.ofSeconds(10), 10);
        assertFalse(tokens.tooLong("x".repeat(100)));
        assertTrue(tokens.tooLong("x".repeat(101)));
    }

    /**
     * Expired entries leave on time with no request to notice them: on the real clock, an entry outlives reuse-for
     * by at most the suite's slack.
     */
    @Test
    void expiredTokensLeaveOnTimeWithoutAnyRequest() {
        Duration reuseFor = Duration.ofMillis(500);
        VerifiedTokens tokens = new VerifiedTokens(config(reuseFor, 1 << 20), Ticker.systemTicker(),
                () -> System.currentTimeMillis() / 1000);
        tokens.remember(verified(TOKEN, System.currentTimeMillis() / 1000 + 300, null));
        assertEquals(1, tokens.size());
        await("the expired entry is gone").atMost(reuseFor.plus(Slack.slack())).until(() -> tokens.size() == 0);
    }

    @Test
    void reuseForZeroVerifiesEveryRequest() {
        VerifiedTokens tokens = tokens(Duration.ZERO, 10);
        tokens.remember(verified(TOKEN, NOW + 300, null));

        assertFalse(tokens.find(TOKEN, null).isPresent());
    }
}
