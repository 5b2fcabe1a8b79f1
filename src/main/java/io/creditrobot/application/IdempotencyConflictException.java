package io.creditrobot.application;

/** An Idempotency-Key that was already used for a different request. */
public class IdempotencyConflictException extends RuntimeException {

    public IdempotencyConflictException() {
        super("This Idempotency-Key was already used with a different request; use a new key for a new application");
    }
}
