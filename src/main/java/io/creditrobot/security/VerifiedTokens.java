package io.creditrobot.security;

import java.security.Permission;
import java.security.Principal;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.runtime.OidcJwtCallerPrincipal;
import io.quarkus.oidc.runtime.OidcUtils;
import io.quarkus.security.credential.Credential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.vertx.ext.web.RoutingContext;

/**
 * Bearer access tokens that quarkus-oidc has verified (signature, issuer, audience, expiry), kept for
 * {@link VerifiedTokensConfig#reuseFor()} so that a client sending the same token on every request pays for one RSA
 * verification, not one per request. Only what quarkus-oidc accepted is kept, keyed by the whole token text (a token
 * altered by one character is another key, verified from scratch), and an entry is never used at or after the token's
 * {@code exp}. What is kept is the identity without the request it came from (its routing context); each reuse gets
 * the current request's. Metrics: {@code cache_gets_total{cache="verified-tokens",result="hit|miss"}} and
 * {@code cache_size}.
 *
 * <p>
 * What a reuse skips is what quarkus-oidc does per request beyond its first verification, and with this service's
 * configuration (one tenant, local JWT verification, no token age limit, no UserInfo or introspection) that is
 * nothing but repeating it. A configuration that adds a per-request check (a {@code quarkus.oidc.token.age}, a second
 * tenant) must revisit this class. It reads quarkus-oidc's {@code OidcUtils}, a runtime class rather than an API:
 * an upgrade that renames it fails the build, one that changes the attributes of its identities needs a look here.
 */
@ApplicationScoped
public class VerifiedTokens {

    static final String CACHE_NAME = "verified-tokens";

    /** The identity quarkus-oidc built, less its request-bound attributes, and the token's expiry. */
    record Verified(Principal principal, Set<String> roles, Set<Credential> credentials, Set<Permission> permissions,
            Map<String, Object> attributes, long expiresAtEpochSecond) {
    }

    private final Cache<String, Verified> cache;
    private final LongSupplier epochSecond;
    private final int maxTokenLength;

    @Inject
    VerifiedTokens(VerifiedTokensConfig config, MeterRegistry registry) {
        this(config, Ticker.systemTicker(), () -> System.currentTimeMillis() / 1000);
        if (cache != null) {
            CaffeineCacheMetrics.monitor(registry, cache, CACHE_NAME);
        }
    }

    VerifiedTokens(VerifiedTokensConfig config, Ticker ticker, LongSupplier epochSecond) {
        this.epochSecond = epochSecond;
        this.maxTokenLength = config.maxTokenLength();
        this.cache = config.reuseFor().isZero() ? null
                : Caffeine.newBuilder()
                        .expireAfterWrite(config.reuseFor())
                        .maximumWeight(config.maxSize().asLongValue())
                        .<String, Verified> weigher((token, verified) -> weight(token))
                        .ticker(ticker)
                        // upkeep (expiry, eviction) on the caller's thread: a few map operations, never a pool's queue
                        .executor(Runnable::run)
                        // expired entries go when they expire, not at the next request that happens to come
                        .scheduler(Scheduler.systemScheduler())
                        .recordStats()
                        .build();
    }

    /**
     * The heap an entry for {@code token} is estimated to hold, in bytes: its text plus the parsed claims and the
     * identity built from them grow with the token (measured with jmap: about 6 KB for a 1 KB token, 98 KB for a 20
     * KB token), 2 KB plus 5 bytes per character covers both.
     */
    static int weight(String token) {
        return 2048 + 5 * token.length();
    }

    /** True when {@code token} is too long to be parsed or verified at all (answered 401 before any work). */
    boolean tooLong(String token) {
        return token.length() > maxTokenLength;
    }

    /** How many verified tokens are kept now (after upkeep). */
    long size() {
        if (cache == null) {
            return 0;
        }
        cache.cleanUp();
        return cache.estimatedSize();
    }

    /** The identity verified earlier for {@code token}, bound to {@code request}; empty when it must be verified. */
    Optional<SecurityIdentity> find(String token, RoutingContext request) {
        if (cache == null) {
            return Optional.empty();
        }
        Verified verified = cache.getIfPresent(token);
        if (verified == null) {
            return Optional.empty();
        }
        if (epochSecond.getAsLong() >= verified.expiresAtEpochSecond()) {
            cache.invalidate(token);
            return Optional.empty();
        }
        QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder()
                .setPrincipal(verified.principal())
                .addRoles(verified.roles())
                .addCredentials(verified.credentials())
                .addPermissions(verified.permissions())
                .addAttributes(verified.attributes());
        OidcUtils.setRoutingContextAttribute(identity, request);
        OidcUtils.setBlockingApiAttribute(identity, request);
        return Optional.of(identity.build());
    }

    /** Keeps {@code identity} if it is one quarkus-oidc built from a JWT access token and not already kept. */
    void remember(SecurityIdentity identity) {
        if (cache == null || identity.isAnonymous()
                || !(identity.getPrincipal() instanceof OidcJwtCallerPrincipal principal)
                || !(principal.getCredential() instanceof AccessTokenCredential credential)
                || credential.getToken() == null) {
            return;
        }
        long expiresAt = ((JsonWebToken) principal).getExpirationTime();
        if (expiresAt <= epochSecond.getAsLong() || cache.asMap().containsKey(credential.getToken())) {
            return;
        }
        cache.put(credential.getToken(), new Verified(principal, Set.copyOf(identity.getRoles()),
                Set.copyOf(identity.getCredentials()), Set.copyOf(permissions(identity)),
                unbound(identity.getAttributes()), expiresAt));
    }

    /** The attributes that belong to the request the identity was built for, which a reuse replaces. */
    private static Map<String, Object> unbound(Map<String, Object> attributes) {
        Map<String, Object> kept = new HashMap<>(attributes);
        kept.remove(RoutingContext.class.getName());
        kept.remove(AuthenticationRequestContext.class.getName());
        return Collections.unmodifiableMap(kept);
    }

    private static Set<Permission> permissions(SecurityIdentity identity) {
        return identity instanceof QuarkusSecurityIdentity quarkus ? quarkus.getPermissions() : Set.of();
    }
}
