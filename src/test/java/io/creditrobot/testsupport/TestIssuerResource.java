package io.creditrobot.testsupport;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Points the application under test at the suite's issuer ({@link Tokens#issuer()}). */
public class TestIssuerResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("quarkus.oidc.auth-server-url", Tokens.issuer().issuer());
    }

    @Override
    public void stop() {
        // One issuer serves the whole test JVM (tokens minted for one application stay valid for the next).
    }
}
