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
    private int consecutiveFailures;

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
        last = answer.kind() == Answer.Kind.UNREACHABLE && late ? answer.as(Answer.Kind.TIMEOUT) : answer;
        lastAnsweredAt = now;
        consecutiveFailures = last.kind() == Answer.Kind.WRITABLE ? 0 : consecutiveFailures + 1;
        flightStartedAt = NONE;
        return status(now);
    }

    /** What readiness reports now. */
    synchronized DatabaseStatus status(long now) {
        long inFlight = flightStartedAt == NONE ? 0 : now - flightStartedAt;
        long ageMs = last == null ? -1 : millis(now - lastAnsweredAt);
        if (inFlight >= limits.deadline() + limits.downAfter()) {
            Answer overrun = new Answer(Answer.Kind.TIMEOUT, -1, null, null);
            return DatabaseStatus.of(overrun, millis(inFlight), ageMs, consecutiveFailures + 1, validations,
                    last == null ? -1 : last.roundTripMillis());
        }
        if (last == null) {
            return DatabaseStatus.pending(millis(inFlight), validations);
        }
        return DatabaseStatus.of(last, millis(inFlight), ageMs, consecutiveFailures, validations,
                last.roundTripMillis());
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
