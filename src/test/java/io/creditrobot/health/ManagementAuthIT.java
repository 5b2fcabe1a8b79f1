package io.creditrobot.health;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link ManagementAuthTest} against the packaged jar, in the production profile. */
@QuarkusIntegrationTest
class ManagementAuthIT extends ManagementAuthTest {
}
