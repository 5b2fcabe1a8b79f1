package io.creditrobot.application;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The outage behaviour of the packaged jar. */
@QuarkusIntegrationTest
class DatabaseOutageApiIT extends DatabaseOutageApiTest {
}
