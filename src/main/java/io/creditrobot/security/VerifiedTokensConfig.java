package io.creditrobot.security;

import java.time.Duration;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The reuse of verified access tokens (docs/security.md, "Token verification"). */
@ConfigMapping(prefix = "creditrobot.security.verified-tokens")
public interface VerifiedTokensConfig {

    /** The defaults below, for tests that run beside a packaged application rather than inside it. */
    String DEFAULT_MAX_TOKEN_LENGTH = "8192";
    String DEFAULT_KEYS_REFRESH = "10s";
    String DEFAULT_KEYS_TIMEOUT = "2s";

    /**
     * A bearer token whose signature and claims quarkus-oidc verified is reused this long without verifying it again
     * (never past its {@code exp}); {@code 0s} verifies every request. A client that sends one token per request
     * costs one RSA verification per 10 s instead of one per request; a token of a withdrawn key is refused before
     * any reuse ({@link PublishedKeys}).
     */
    @WithDefault("10s")
    Duration reuseFor();

    /**
     * A bearer token longer than this many characters is refused (401) before it is parsed or verified. An access
     * token of Keycloak's usual claims is 1–2 KB; one of 20 KB (hundreds of groups) cost about 98 KB of heap once
     * parsed, verified and kept, so the length, not the number of tokens, is what bounds the memory.
     */
    @WithDefault(DEFAULT_MAX_TOKEN_LENGTH)
    int maxTokenLength();

    /**
     * The kept tokens weigh at most this much in all. Each is weighed as {@link VerifiedTokens#weight} estimates from
     * its length (measured: about 6 KB for a 1 KB token, 98 KB for a 20 KB one); the rarely and least recently used
     * go first. 16 MB keep about 2,300 tokens of 1 KB, or 370 of the longest accepted.
     */
    @WithDefault("16M")
    MemorySize maxSize();

    /**
     * The issuer's JWKS is fetched this often ({@link PublishedKeys}): a key it withdraws stops verifying within this
     * and {@link #keysTimeout()}, whatever tokens arrive. {@code 0s} turns it off (quarkus-oidc's own refetch on an
     * unknown key id remains). Two small GETs per interval per instance.
     */
    @WithDefault(DEFAULT_KEYS_REFRESH)
    Duration keysRefresh();

    /** A fetch of the discovery document or the JWKS gives up after this. */
    @WithDefault(DEFAULT_KEYS_TIMEOUT)
    Duration keysTimeout();
}
