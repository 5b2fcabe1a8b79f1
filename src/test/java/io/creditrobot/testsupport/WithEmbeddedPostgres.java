package io.creditrobot.testsupport;

import io.quarkus.test.common.QuarkusTestResource;

/**
 * Registers {@link EmbeddedPostgresResource} and {@link TestCredentialsResource} for the whole suite: every
 * {@code @QuarkusTest} and {@code @QuarkusIntegrationTest} shares one PostgreSQL and one token issuer (an
 * unrestricted resource applies to all of them).
 */
@QuarkusTestResource(EmbeddedPostgresResource.class)
@QuarkusTestResource(TestCredentialsResource.class)
public final class WithEmbeddedPostgres {

    private WithEmbeddedPostgres() {
    }
}
