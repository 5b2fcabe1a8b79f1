package io.creditrobot.database;

import java.util.concurrent.TimeUnit;

/**
 * What one validation found. Carries no exception message: messages can hold the JDBC URL or credentials; the
 * class and SQLSTATE cannot.
 *
 * @param kind what the database is, as far as this validation could tell
 * @param roundTripNanos the query's round trip when the database answered, else -1
 * @param errorClass the failure's root exception class, or null
 * @param sqlState the failure's SQLSTATE, or null
 * @param table what the answer said of the API's table ({@link Table#UNKNOWN} when the database did not answer)
 */
record Answer(Kind kind, long roundTripNanos, String errorClass, String sqlState, Table table) {

    /** The API's table as the validation saw it, without taking any lock on it. */
    enum Table {
        UNKNOWN,
        PRESENT,
        /** Not there: before the first migration, or renamed or dropped since (schema drift). */
        MISSING,
        /** Someone holds an ACCESS EXCLUSIVE lock on it: every API statement on it waits. */
        LOCKED
    }

    enum Kind {
        /** Answered, and accepts writes (a primary, not read-only). */
        WRITABLE("up"),
        /** Answered, but a standby or read-only: every write would fail (SQLSTATE 25006). */
        READ_ONLY("read-only"),
        /** Could not be reached: connection refused, no route, server shutting down or starting up. */
        UNREACHABLE("unreachable"),
        /** No answer within the deadline. */
        TIMEOUT("timeout"),
        /** Anything else: the class and SQLSTATE say what. */
        ERROR("error");

        final String reason;

        Kind(String reason) {
            this.reason = reason;
        }
    }

    static Answer writable(long roundTripNanos, Table table) {
        return new Answer(Kind.WRITABLE, roundTripNanos, null, null, table);
    }

    static Answer readOnly(long roundTripNanos, Table table) {
        return new Answer(Kind.READ_ONLY, roundTripNanos, null, null, table);
    }

    /** A failed validation, classified: any {@link Throwable}, an {@link Error} included, becomes an answer. */
    static Answer failed(Throwable failure) {
        Kind kind = DatabaseFailures.isConnectionLoss(failure) ? Kind.UNREACHABLE : Kind.ERROR;
        return new Answer(kind, -1, rootCause(failure).getClass().getName(),
                DatabaseFailures.sqlState(failure).orElse(null), Table.UNKNOWN);
    }

    Answer as(Kind other) {
        return new Answer(other, roundTripNanos, errorClass, sqlState, table);
    }

    long roundTripMillis() {
        return roundTripNanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(roundTripNanos);
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root;
    }
}
