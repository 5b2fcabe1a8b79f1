package io.creditrobot.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The one JSON shape of every API error: status, reason phrase, a message for humans, and bad fields if any.
 * Registered for reflection: it is serialized from inside a {@code Response}, which the native build cannot see.
 */
@RegisterForReflection(targets = { ApiError.class, ApiError.FieldViolation.class })
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(int status, String error, String message, List<FieldViolation> violations) {

    /** One rejected input: the field (or header, or query parameter) and what is wrong with it. */
    public record FieldViolation(String field, String message) {
    }
}
