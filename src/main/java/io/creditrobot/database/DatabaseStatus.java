package io.creditrobot.database;

/**
 * What the database monitor reports at one instant: the last validation's answer, or {@code timeout} while a
 * validation has overrun its deadline by {@code down-after}. Times come from a monotonic clock.
 *
 * @param up the database answered and accepts writes
 * @param reason null when up; {@code pending} (no answer yet since boot), {@code read-only}, {@code unreachable},
 *        {@code timeout} or {@code error}
 * @param errorClass the failure's root exception class, or null
 * @param sqlState the failure's SQLSTATE, or null
 * @param roundTripMs the last answered query's round trip, or -1 when none answered yet
 * @param inFlightMs how long the running validation has been waiting, 0 when none runs
 * @param ageMs how long ago the last validation ended, or -1 before the first
 * @param consecutiveFailures failed validations in a row (an overrunning one included)
 * @param validations validations started since boot
 */
public record DatabaseStatus(
        boolean up,
        String reason,
        String errorClass,
        String sqlState,
        long roundTripMs,
        long inFlightMs,
        long ageMs,
        int consecutiveFailures,
        long validations) {

    public static final String PENDING = "pending";

    static DatabaseStatus of(Answer answer, long inFlightMs, long ageMs, int consecutiveFailures, long validations,
            long roundTripMs) {
        boolean up = answer.kind() == Answer.Kind.WRITABLE;
        return new DatabaseStatus(up, up ? null : answer.kind().reason, answer.errorClass(), answer.sqlState(),
                roundTripMs, inFlightMs, ageMs, consecutiveFailures, validations);
    }

    static DatabaseStatus pending(long inFlightMs, long validations) {
        return new DatabaseStatus(false, PENDING, null, null, -1, inFlightMs, -1, 0, validations);
    }
}
