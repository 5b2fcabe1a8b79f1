package io.creditrobot.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The attack suite of {@link AccessControlTest} against the packaged jar, as production runs it. */
@QuarkusIntegrationTest
class AccessControlIT extends AccessControlTest {
}
