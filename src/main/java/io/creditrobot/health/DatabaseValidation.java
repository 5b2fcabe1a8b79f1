package io.creditrobot.health;

import java.time.Instant;

/**
 * One published outcome of the database prober: a finished validation, or a validation that overran its deadline.
 * Carries no exception message: messages can hold the JDBC URL or credentials; the class and SQLSTATE cannot.
 *
 * @param up whether the round trip succeeded
 * @param reason null when up; {@code timeout} (deadline overrun) or {@code error}
 * @param errorClass the failure's root exception class, or null
 * @param sqlState the failure's SQLSTATE, or null
 * @param latencyMs the whole validation (pool acquisition, connecting if needed, round trip); for a timeout, how
 *        long it had been running
 * @param roundTripMs the {@code SELECT 1} alone, what the database's own speed accounts for; equals
 *        {@code latencyMs} when the validation failed
 * @param checkedAt when this outcome was published
 * @param publishedNanos {@link System#nanoTime()} at publication, for the TTL
 * @param consecutiveFailures failed outcomes in a row, this one included
 * @param validations database round trips started since boot
 */
public record DatabaseValidation(
        boolean up,
        String reason,
        String errorClass,
        String sqlState,
        long latencyMs,
        long roundTripMs,
        Instant checkedAt,
        long publishedNanos,
        int consecutiveFailures,
        long validations) {

    static final String TIMEOUT = "timeout";
    static final String ERROR = "error";

    boolean isFresh(long nowNanos, long ttlNanos) {
        return nowNanos - publishedNanos < ttlNanos;
    }
}
