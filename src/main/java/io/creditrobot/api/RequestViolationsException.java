package io.creditrobot.api;

import java.util.List;

/** A request refused for the fields it names (400): every one of them, not only the first. */
public class RequestViolationsException extends RuntimeException {

    private final transient List<ApiError.FieldViolation> violations;

    RequestViolationsException(List<ApiError.FieldViolation> violations) {
        super("Invalid input");
        this.violations = List.copyOf(violations);
    }

    static RequestViolationsException of(String field, String message) {
        return new RequestViolationsException(List.of(new ApiError.FieldViolation(field, message)));
    }

    public List<ApiError.FieldViolation> violations() {
        return violations;
    }
}
