package io.creditrobot.security;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The reuse of verified access tokens (README, "Security", "Token verification"). */
@ConfigMapping(prefix = "creditrobot.security.verified-tokens")
public interface VerifiedTokensConfig {

    /**
     * A bearer token whose signature and claims quarkus-oidc verified is reused this long without verifying it again
     * (never past its {@code exp}); {@code 0s} verifies every request. 10 s is the JWKS' own forced-refresh interval:
     * a realm key withdrawn from the issuer is refused at most this much later than without reuse, while a client
     * that sends one token per request costs one RSA verification per 10 s instead of one per request.
     */
    @WithDefault("10s")
    Duration reuseFor();

    /**
     * At most this many verified tokens are kept (Caffeine evicts the rarely and least recently used first): about
     * 6 KB each for a 1 KB token with a Keycloak's usual claims (measured: the text plus 4.7 KB of parsed claims and
     * identity), so 2000 bound the memory near 12 MB; more callers than that within reuse-for only verify more often.
     */
    @WithDefault("2000")
    int maxEntries();
}
