package io.creditrobot.health;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Repeated failed basic authentication on the management port (docs/security.md). */
@ConfigMapping(prefix = "creditrobot.management.auth-failures")
public interface ManagementAuthConfig {

    /**
     * After this many failed basic authentications from one client address within {@link #window()}, its credentials
     * are refused for {@link #lockout()}: an operator who mistypes three times is not locked out, a guesser makes at
     * most this many guesses per window instead of about a thousand a second.
     */
    @WithDefault("10")
    int limit();

    /** The time over which one client's failures are counted. */
    @WithDefault("1m")
    Duration window();

    /** How long a client that reached the limit is answered 429 for any request with credentials. */
    @WithDefault("1m")
    Duration lockout();

    /** At most this many client addresses are tracked (the least recently seen go first): memory set by this. */
    @WithDefault("10000")
    int maxClients();
}
