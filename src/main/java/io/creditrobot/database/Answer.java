package io.creditrobot.database;

import java.util.concurrent.TimeUnit;

/**
 * What one validation found. Carries no exception message: messages can hold the JDBC URL or credentials; the
 * class and SQLSTATE cannot.
 *
 * @param reason why the database is not writable, as far as this validation could tell ({@code read-only},
 *        {@code unreachable}, {@code timeout} or {@code error}); null when it is
 * @param roundTripNanos the query's round trip when the database answered, else -1
 * @param errorClass the failure's root exception class, or null
 * @param sqlState the failure's SQLSTATE, or null
 * @param table what the answer said of the API's table ({@link Table#UNKNOWN} when the database did not answer)
 * @param phase where a failed validation failed: {@code connect}, {@code authenticate} (a class 28 refusal while
 *        opening the session) or {@code query}; null when it answered or nobody knows (still running)
 * @param role the server's role when it answered: {@code primary} or {@code standby} (in recovery); null otherwise
 */
record Answer(DatabaseReason reason, long roundTripNanos, String errorClass, String sqlState, Table table, String phase,
        String role) {

    static final String PRIMARY = "primary";
    static final String STANDBY = "standby";

    /** The API's table as the validation saw it, without taking any lock on it. */
    enum Table {
        UNKNOWN,
        PRESENT,
        /** Not there: before the first migration, or renamed or dropped since (schema drift). */
        MISSING,
        /** Someone holds an ACCESS EXCLUSIVE lock on it: every API statement on it waits. */
        LOCKED
    }

    static Answer writable(long roundTripNanos, Table table) {
        return new Answer(null, roundTripNanos, null, null, table, null, PRIMARY);
    }

    static Answer readOnly(long roundTripNanos, Table table, boolean inRecovery) {
        return new Answer(DatabaseReason.READ_ONLY, roundTripNanos, null, null, table, null,
                inRecovery ? STANDBY : PRIMARY);
    }

    /**
     * A failed validation, classified: any {@link Throwable}, an {@link Error} included, becomes an answer.
     *
     * @param connecting whether it failed while opening the session (else while querying)
     */
    static Answer failed(Throwable failure, boolean connecting) {
        DatabaseReason reason = DatabaseFailures.isConnectionLoss(failure) ? DatabaseReason.UNREACHABLE
                : DatabaseReason.ERROR;
        String sqlState = DatabaseFailures.sqlState(failure).orElse(null);
        String phase = !connecting ? "query" : sqlState != null && sqlState.startsWith("28") ? "authenticate"
                : "connect";
        String root = DatabaseFailures.rootCause(failure).getClass().getName();
        return new Answer(reason, -1, root, sqlState, Table.UNKNOWN, phase, null);
    }

    /** The database answered, and accepts writes (a primary, not read-only). */
    boolean writable() {
        return reason == null;
    }

    Answer as(DatabaseReason other) {
        return new Answer(other, roundTripNanos, errorClass, sqlState, table, phase, role);
    }

    long roundTripMillis() {
        return roundTripNanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(roundTripNanos);
    }
}
