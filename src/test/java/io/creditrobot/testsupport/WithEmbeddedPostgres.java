package io.creditrobot.testsupport;

import io.quarkus.test.common.QuarkusTestResource;

/**
 * Registers {@link EmbeddedPostgresResource} for the whole suite: every {@code @QuarkusTest} and
 * {@code @QuarkusIntegrationTest} shares one PostgreSQL (an unrestricted resource applies to all of them).
 */
@QuarkusTestResource(EmbeddedPostgresResource.class)
public final class WithEmbeddedPostgres {

    private WithEmbeddedPostgres() {
    }
}
