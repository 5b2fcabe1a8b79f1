package io.creditrobot.database;

/**
 * What the database monitor reports at one instant: the last validation's answer, or {@code timeout} while a
 * validation has overrun its deadline by {@code down-after}. Times come from a monotonic clock.
 *
 * @param up the database answered and accepts writes, and the API's table is not locked (for down-after)
 * @param reason null when up; else why not ({@link DatabaseReason}), {@code timeout} too while a validation has
 *        overrun
 * @param errorClass the failure's root exception class, or null
 * @param sqlState the failure's SQLSTATE, or null
 * @param roundTripMs the last answered query's round trip, or -1 when none answered yet
 * @param inFlightMs how long the running validation has been waiting, 0 when none runs
 * @param ageMs how long ago the last validation ended, or -1 before the first
 * @param consecutiveFailures failed validations in a row (an overrunning one included)
 * @param validations validations started since boot
 * @param tableMissingMs when the last answer found no API table (before the first migration, or schema drift): how
 *        long ago the validation that found none started; -1 when it found the table or did not answer
 * @param tableLockedMs how long validations have seen the API's table locked exclusively, 0 when they do not
 * @param phase where the last failed validation failed ({@code connect}, {@code authenticate}, {@code query}), or
 *        null
 * @param role the server's role at the last answer ({@code primary} or {@code standby}), or null
 * @param lastSuccessAgoMs how long ago a validation last found the database writable, -1 never since boot
 */
public record DatabaseStatus(
        boolean up,
        DatabaseReason reason,
        String errorClass,
        String sqlState,
        long roundTripMs,
        long inFlightMs,
        long ageMs,
        int consecutiveFailures,
        long validations,
        long tableMissingMs,
        long tableLockedMs,
        String phase,
        String role,
        long lastSuccessAgoMs) {

    static DatabaseStatus of(Answer answer, long inFlightMs, long ageMs, int consecutiveFailures, long validations,
            long roundTripMs, long tableMissingMs, long tableLockedMs, boolean locked, long lastSuccessAgoMs) {
        boolean up = answer.writable() && !locked;
        DatabaseReason reason = up ? null : answer.writable() ? DatabaseReason.LOCKED : answer.reason();
        return new DatabaseStatus(up, reason, answer.errorClass(), answer.sqlState(), roundTripMs, inFlightMs, ageMs,
                consecutiveFailures, validations, tableMissingMs, tableLockedMs, answer.phase(), answer.role(),
                lastSuccessAgoMs);
    }

    /** A validation still running past deadline + down-after: no answer, and nobody knows where it waits. */
    static DatabaseStatus overrun(long inFlightMs, long ageMs, int consecutiveFailures, long validations,
            long roundTripMs, long tableMissingMs, long tableLockedMs, long lastSuccessAgoMs) {
        return new DatabaseStatus(false, DatabaseReason.TIMEOUT, null, null, roundTripMs, inFlightMs, ageMs,
                consecutiveFailures, validations, tableMissingMs, tableLockedMs, null, null, lastSuccessAgoMs);
    }

    static DatabaseStatus pending(long inFlightMs, long validations) {
        return new DatabaseStatus(false, DatabaseReason.PENDING, null, null, -1, inFlightMs, -1, 0, validations, -1, 0,
                null, null, -1);
    }
}
