package io.creditrobot.application;

/**
 * The connection failed after the application's INSERT was sent and answered, while the transaction was being
 * committed: the row may or may not be stored, and nobody can tell from here. A retry with the same
 * Idempotency-Key is safe either way (it replays the stored record or stores it once).
 */
public class CommitOutcomeUnknownException extends RuntimeException {

    public CommitOutcomeUnknownException(Throwable cause) {
        super("The outcome of the commit is unknown", cause);
    }
}
