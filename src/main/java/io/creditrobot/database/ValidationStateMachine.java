package io.creditrobot.database;

import java.util.concurrent.TimeUnit;

/**
 * The database monitor's whole state and every rule that changes it: no threads, no I/O, no clock of its own (the
 * caller passes {@link System#nanoTime()}, a test a fake clock). Each method is a few lines under the object's lock
 * and calls nothing outside this class, so no caller ever waits on the database or on another caller's work here.
 *
 * <pre>
 *            begin()                      finish(answer)
 *   IDLE ───────────────▶ IN FLIGHT ───────────────────────▶ IDLE   (the answer becomes "last")
 *                          │  overrun ≥ down-after: status() says DOWN timeout while it runs
 *                          │  age ≥ abandon-after: abandon() is true once (the monitor closes the connection)
 * </pre>
 *
 * Answers that find the API's table locked exclusively start a lock clock (from the start of the first such
 * validation); an answer that finds it free stops it. A lock held down-after or longer reads as {@code locked}.
 *
 * {@link #status(long)} is derived from the state and the time alone: a validation that has overrun its deadline by
 * {@code down-after} reads as {@code timeout} from that very instant, without a timer.
 */
final class ValidationStateMachine {

    /** Durations in nanoseconds. */
    record Limits(long deadline, long downAfter, long abandonAfter) {
        static Limits of(DatabaseConfig config) {
            return new Limits(config.deadline().toNanos(), config.downAfter().toNanos(),
                    Math.max(config.abandonAfter().toNanos(), config.deadline().toNanos()));
        }
    }

    private static final long NONE = Long.MIN_VALUE;

    private final Limits limits;
    private long flightStartedAt = NONE;
    private boolean abandoned;
    private long validations;
    private Answer last;
    private long lastAnsweredAt;
    /** Since when answers have found the API's table locked exclusively, or {@link #NONE}. */
    private long lockedSince = NONE;
    /** When the validation that gave {@link #last} started. */
    private long lastStartedAt;
    private int consecutiveFailures;
    /** When the last validation that found the database writable ended. */
    private long lastSuccessAt = NONE;

    ValidationStateMachine(Limits limits) {
        this.limits = limits;
    }

    /** A scheduled validation may start: true (and it is now in flight) unless one is still running. */
    synchronized boolean begin(long now) {
        if (flightStartedAt != NONE) {
            return false;
        }
        flightStartedAt = now;
        abandoned = false;
        validations++;
        return true;
    }

    /**
     * True once for a validation running longer than {@code abandon-after}: the caller then closes its connection,
     * which makes the stuck validation end (and {@link #finish} be called) with a failure.
     */
    synchronized boolean abandon(long now) {
        if (flightStartedAt == NONE || abandoned || now - flightStartedAt < limits.abandonAfter()) {
            return false;
        }
        abandoned = true;
        return true;
    }

    /**
     * The running validation ended with {@code answer}. A connection failure that took longer than the deadline
     * (login timeout, network timeout, abandonment) is a {@code timeout}: the database did not answer in time.
     */
    synchronized DatabaseStatus finish(long now, Answer answer) {
        if (flightStartedAt == NONE) {
            throw new IllegalStateException("finish() without begin()");
        }
        boolean late = now - flightStartedAt >= limits.deadline();
        last = answer.reason() == DatabaseReason.UNREACHABLE && late ? answer.as(DatabaseReason.TIMEOUT) : answer;
        lastAnsweredAt = now;
        lastStartedAt = flightStartedAt;
        if (answer.table() != Answer.Table.UNKNOWN) {
            // First seen by a validation that started at flightStartedAt: the lock is at least that old.
            lockedSince = answer.table() != Answer.Table.LOCKED ? NONE : lockedSince == NONE ? flightStartedAt : lockedSince;
        }
        consecutiveFailures = last.writable() ? 0 : consecutiveFailures + 1;
        if (last.writable()) {
            lastSuccessAt = now;
        }
        flightStartedAt = NONE;
        return status(now);
    }

    /** What readiness reports now. */
    synchronized DatabaseStatus status(long now) {
        long inFlight = flightStartedAt == NONE ? 0 : now - flightStartedAt;
        long ageMs = last == null ? -1 : millis(now - lastAnsweredAt);
        long locked = lockedSince == NONE ? 0 : now - lockedSince;
        long missingMs = last == null || last.table() != Answer.Table.MISSING ? -1 : millis(now - lastStartedAt);
        long successAgoMs = lastSuccessAt == NONE ? -1 : millis(now - lastSuccessAt);
        if (inFlight >= limits.deadline() + limits.downAfter()) {
            return DatabaseStatus.overrun(millis(inFlight), ageMs, consecutiveFailures + 1, validations,
                    last == null ? -1 : last.roundTripMillis(), missingMs, millis(locked), successAgoMs);
        }
        if (last == null) {
            return DatabaseStatus.pending(millis(inFlight), validations);
        }
        // A lock held as long as a stall readiness tolerates (down-after) fails every API statement on the table.
        return DatabaseStatus.of(last, millis(inFlight), ageMs, consecutiveFailures, validations,
                last.roundTripMillis(), missingMs, millis(locked), locked >= limits.downAfter(), successAgoMs);
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
