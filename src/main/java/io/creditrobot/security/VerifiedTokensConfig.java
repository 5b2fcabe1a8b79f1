package io.creditrobot.security;

import java.time.Duration;

import io.quarkus.runtime.configuration.MemorySize;
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
     * A bearer token longer than this many characters is refused (401) before it is parsed or verified. An access
     * token of Keycloak's usual claims is 1–2 KB; one of 20 KB (hundreds of groups) cost about 98 KB of heap once
     * parsed, verified and kept, so the length, not the number of tokens, is what bounds the memory.
     */
    @WithDefault("8192")
    int maxTokenLength();

    /**
     * The kept tokens weigh at most this much in all. Each is weighed as {@link VerifiedTokens#weight} estimates from
     * its length (measured: about 6 KB for a 1 KB token, 98 KB for a 20 KB one); the rarely and least recently used
     * go first. 16 MB keep about 2,300 tokens of 1 KB, or 370 of the longest accepted.
     */
    @WithDefault("16M")
    MemorySize maxSize();
}
