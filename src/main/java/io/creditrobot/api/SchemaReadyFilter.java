package io.creditrobot.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.creditrobot.database.SchemaMigrator;

/**
 * Answers API requests with 503 and Retry-After until the schema is migrated (the database was unreachable at
 * boot), instead of letting them fail on missing tables. Reads an in-memory flag; costs nothing once migrated.
 */
public class SchemaReadyFilter {

    private final SchemaMigrator migrator;

    SchemaReadyFilter(SchemaMigrator migrator) {
        this.migrator = migrator;
    }

    @ServerRequestFilter
    public Response rejectUntilMigrated(ContainerRequestContext request) {
        if (migrator.isMigrated() || !request.getUriInfo().getPath().startsWith("/api/")) {
            return null;
        }
        return ApiExceptionMappers.unavailable("The database is not available yet; nothing was stored. Retry later.");
    }
}
