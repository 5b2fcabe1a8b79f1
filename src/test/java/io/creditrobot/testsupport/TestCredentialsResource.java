package io.creditrobot.testsupport;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The suite's credentials for the application under test: its token issuer ({@link Tokens#issuer()}) and the
 * management port's operator password ({@link Tokens#OPERATOR_PASSWORD}).
 */
public class TestCredentialsResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Tokens.applicationConfig();
    }

    @Override
    public void stop() {
        // One issuer serves the whole test JVM (tokens minted for one application stay valid for the next).
    }
}
