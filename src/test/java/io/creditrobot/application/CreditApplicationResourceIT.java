package io.creditrobot.application;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same API assertions against the packaged jar (target/quarkus-app) on the real PostgreSQL. */
@QuarkusIntegrationTest
class CreditApplicationResourceIT extends CreditApplicationResourceTest {
}
