package io.creditrobot.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource.FlushMode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Every transition of the database monitor, deterministically: a fake clock, a fake connection, and validations
 * that run only when the test says so (so a "hung" validation is one the test has not run yet). Defaults in force:
 * interval 1 s, deadline 500 ms, down-after 2 s, abandon-after 5 s.
 */
class DatabaseMonitorTest {

    static final Duration INTERVAL = Duration.ofSeconds(1);
    static final Duration NEW_SESSION_EVERY = Duration.ofSeconds(5);

    private final FakeDatabase db = new FakeDatabase();
    private final Deque<Runnable> validations = new ArrayDeque<>();
    private final List<FlushMode> flushes = new ArrayList<>();
    private final DatabaseRefusals refusals = new DatabaseRefusals();
    private final DatabaseMonitor monitor = new DatabaseMonitor(config(), new DatabaseValidator(db, db::now, NEW_SESSION_EVERY),
            db::now,
            validations::add, flushes::add, refusals, new SimpleMeterRegistry());

    /** One interval passes: the scheduler ticks, and the validation it started (if any) runs to its end. */
    private DatabaseStatus nextInterval() {
        tickOnly();
        runValidations();
        return monitor.status();
    }

    private void tickOnly() {
        db.advance(INTERVAL);
        monitor.tick();
    }

    private void runValidations() {
        while (!validations.isEmpty()) {
            validations.poll().run();
        }
    }

    @Test
    void beforeTheFirstAnswerTheDatabaseIsPending() {
        DatabaseStatus s = monitor.status();
        assertFalse(s.up());
        assertEquals(DatabaseReason.PENDING, s.reason());
        assertEquals(0, s.validations());
    }

    @Test
    void aWritableAnswerIsUp() {
        DatabaseStatus s = nextInterval();
        assertTrue(s.up(), s.toString());
        assertNull(s.reason());
        assertEquals(1, s.validations());
        assertEquals(0, s.consecutiveFailures());
        assertEquals(0, s.ageMs());
    }

    @Test
    void aReadOnlyAnswerIsDownReadOnlyFlushesThePoolAndIsRecheckedOnAFreshSession() {
        nextInterval();
        db.behave(FakeDatabase.READ_ONLY);
        DatabaseStatus s = nextInterval();
        assertFalse(s.up());
        assertEquals(DatabaseReason.READ_ONLY, s.reason());
        assertEquals(List.of(FlushMode.GRACEFUL), flushes, "pooled sessions reconnect");

        db.behave(FakeDatabase.WRITABLE);
        s = nextInterval();
        assertTrue(s.up(), s.toString());
        assertEquals(2, db.opened, "the read-only session was not trusted again");
        assertEquals(List.of(FlushMode.GRACEFUL, FlushMode.GRACEFUL), flushes,
                "sessions opened while read-only are replaced once writable again");
    }

    @Test
    void aStandbyInRecoveryIsReadOnly() {
        db.behave(FakeDatabase.STANDBY);
        assertEquals(DatabaseReason.READ_ONLY, nextInterval().reason());
    }

    @Test
    void anSqlErrorIsErrorWithItsClassAndSqlStateAndIsNotRetried() {
        db.behave(FakeDatabase.failing(new SQLException("permission denied", "42501")));
        DatabaseStatus s = nextInterval();
        assertEquals(DatabaseReason.ERROR, s.reason());
        assertEquals("42501", s.sqlState());
        assertEquals(SQLException.class.getName(), s.errorClass());
        assertEquals(1, s.consecutiveFailures());
        assertEquals(1, db.opened, "not a connection failure: no second connection");
        assertEquals(List.of(), flushes);
    }

    @Test
    void aRefusedConnectionIsUnreachableAndDropsIdlePooledConnections() {
        db.refuseConnections(FakeDatabase.refused());
        DatabaseStatus s = nextInterval();
        assertEquals(DatabaseReason.UNREACHABLE, s.reason());
        assertEquals("08001", s.sqlState());
        assertEquals(List.of(FlushMode.IDLE), flushes);
        s = nextInterval();
        assertEquals(2, s.consecutiveFailures());

        db.refuseConnections(null);
        s = nextInterval();
        assertTrue(s.up());
        assertEquals(0, s.consecutiveFailures());
    }

    @Test
    void aConnectionAttemptThatTimesOutAfterTheDeadlineIsATimeout() {
        db.connectTakes(Duration.ofSeconds(2)); // pgjdbc's loginTimeout against a server that never answers
        db.refuseConnections(new SQLException("Connection attempt timed out.", "08001"));
        assertEquals(DatabaseReason.TIMEOUT, nextInterval().reason());
    }

    @Test
    void aDroppedSessionIsRetriedOnceOnAFreshConnectionWithinTheSameValidation() {
        nextInterval();
        db.behave(FakeDatabase.droppedOnceThen(FakeDatabase.WRITABLE));
        DatabaseStatus s = nextInterval();
        assertTrue(s.up(), "a restart that is already over is no outage: " + s);
        assertEquals(2, db.opened);
        assertEquals(2, s.validations());
    }

    /** A backend terminated during the first query of a session just opened (a renewal): the server took a session. */
    @Test
    void aSessionDroppedDuringItsFirstQueryIsRetriedOnceToo() {
        db.behave(FakeDatabase.droppedOnceThen(FakeDatabase.READ_ONLY));
        DatabaseStatus s = nextInterval();
        assertEquals(DatabaseReason.READ_ONLY, s.reason(), "what the fresh session found, not the drop: " + s);
        assertEquals(2, db.opened);
    }

    @Test
    void aSessionDroppedAgainOnTheRetryIsUnreachableAfterOneRetry() {
        db.behave(FakeDatabase.failing(new SQLException("An I/O error occurred while sending to the backend.", "08006")));
        DatabaseStatus s = nextInterval();
        assertEquals(DatabaseReason.UNREACHABLE, s.reason());
        assertEquals(2, db.opened, "one retry, not more");
    }

    @Test
    void anErrorThrownByTheValidationIsReportedAndDoesNotWedgeTheMonitor() {
        db.behave(FakeDatabase.failing(new StackOverflowError()));
        DatabaseStatus s = nextInterval();
        assertEquals(DatabaseReason.ERROR, s.reason());
        assertEquals(StackOverflowError.class.getName(), s.errorClass());
        assertEquals(0, s.inFlightMs(), "no validation left in flight");

        db.behave(FakeDatabase.WRITABLE);
        s = nextInterval();
        assertTrue(s.up(), "the next validation ran: " + s);
        assertEquals(2, s.validations());
    }

    @Test
    void aSlowAnswerIsUpWithItsRoundTrip() {
        db.behave(FakeDatabase.slow(Duration.ofMillis(900)));
        DatabaseStatus s = nextInterval();
        assertTrue(s.up(), "slow is not down: " + s);
        assertEquals(900, s.roundTripMs());
    }

    @Test
    void aValidationOverrunningItsDeadlineStaysUpUntilDownAfterThenReadsTimeout() {
        nextInterval();
        tickOnly(); // a validation starts and hangs: the test does not run it
        db.advance(Duration.ofMillis(2499)); // deadline 500 ms + down-after 2 s, less 1 ms
        DatabaseStatus s = monitor.status();
        assertTrue(s.up(), "overrun shorter than down-after: still up " + s);
        assertEquals(2499, s.inFlightMs());

        db.advance(Duration.ofMillis(1));
        s = monitor.status();
        assertFalse(s.up());
        assertEquals(DatabaseReason.TIMEOUT, s.reason());
        assertEquals(1, s.consecutiveFailures());
    }

    @Test
    void aHungValidationBlocksNoOtherIsAbandonedAfterAbandonAfterAndTheNextOneRecovers() {
        nextInterval();
        db.behave(FakeDatabase.WRITABLE);
        tickOnly(); // validation 2 starts and hangs
        for (int i = 0; i < 4; i++) {
            tickOnly(); // 1 s .. 4 s in flight: no second validation, nothing abandoned yet
        }
        assertEquals(1, validations.size(), "at most one validation in flight");
        assertEquals(0, db.aborted);
        assertEquals(2, monitor.status().validations());

        tickOnly(); // 5 s in flight: abandoned, its connection aborted
        assertEquals(1, db.aborted);
        runValidations(); // the hung query now fails, as pgjdbc's does when its socket is closed
        DatabaseStatus s = monitor.status();
        assertEquals(DatabaseReason.TIMEOUT, s.reason(), s.toString());
        assertEquals(1, db.opened, "an abandoned validation is not retried on a new connection");
        assertEquals(List.of(FlushMode.IDLE), flushes);

        s = nextInterval();
        assertTrue(s.up(), "the next validation opens a fresh connection: " + s);
        assertEquals(2, db.opened);
    }

    @Test
    void probesNeverStartValidationsOnlyTheScheduleDoes() {
        nextInterval();
        for (int i = 0; i < 10_000; i++) {
            monitor.status();
        }
        assertEquals(1, monitor.status().validations());
        db.advance(Duration.ofMillis(750));
        assertEquals(750, monitor.status().ageMs(), "age from the monotonic clock");
    }

    @Test
    void anApiWriteRefusalRenewsTheSessionAndFlushesThePool() {
        nextInterval();
        refusals.note(DatabaseRefusal.WRITE_REFUSED);
        refusals.note(DatabaseRefusal.UNAVAILABLE);
        assertEquals(List.of(), flushes, "nothing on the request's thread");
        nextInterval();
        assertEquals(List.of(FlushMode.GRACEFUL), flushes, "the monitor's next tick flushes, once");
        assertEquals(2, db.opened, "the next validation used a fresh session");
    }

    @Test
    void anApiSessionRefusalMakesTheNextValidationProveANewSessionWithoutFlushingThePool() {
        nextInterval();
        // The password was rotated: the monitor's open session still answers, new sessions are refused.
        db.refuseConnections(new SQLException("password authentication failed", "28P01"));
        assertTrue(nextInterval().up(), "the kept session still answers");
        refusals.note(DatabaseRefusal.UNAVAILABLE);
        DatabaseStatus s = nextInterval();
        assertFalse(s.up(), "no new session can be opened: " + s);
        assertEquals(DatabaseReason.ERROR, s.reason());
        assertEquals("28P01", s.sqlState());
        assertEquals(List.of(), flushes, "the pool is the API's: only a write refusal flushes it");

        db.refuseConnections(null);
        assertTrue(nextInterval().up(), "the password set back: the next validation's new session answers");
    }

    @Test
    void anExclusiveLockOnTheApiTableIsLockedOnceHeldDownAfterAndUpWhenReleased() {
        nextInterval();
        db.behave(FakeDatabase.TABLE_LOCKED);
        DatabaseStatus s = nextInterval(); // the lock is seen from this validation's start on
        assertTrue(s.up(), "a lock shorter than down-after (a migration's ALTER, a VACUUM FULL) is tolerated: " + s);
        assertEquals(0, s.tableLockedMs());
        s = nextInterval();
        assertTrue(s.up(), s.toString());
        assertEquals(1000, s.tableLockedMs());
        s = nextInterval(); // 2 s since the validation that first saw it started: down-after
        assertFalse(s.up(), s.toString());
        assertEquals(DatabaseReason.LOCKED, s.reason());

        db.behave(FakeDatabase.WRITABLE);
        s = nextInterval();
        assertTrue(s.up(), "released: " + s);
        assertEquals(0, s.tableLockedMs());
    }

    @Test
    void aMissingApiTableIsReportedForTheSchemaCheckWithoutTakingTheDatabaseDown() {
        db.behave(FakeDatabase.TABLE_MISSING);
        DatabaseStatus s = nextInterval();
        assertTrue(s.up(), "before the first migration the table is missing and the database is fine: " + s);
        assertEquals(0, s.tableMissingMs(), "since the start of the validation that found it missing");
        db.advance(Duration.ofMillis(300));
        assertEquals(300, monitor.status().tableMissingMs());
        assertEquals(0, nextInterval().tableMissingMs(), "the latest validation's start");
        db.behave(FakeDatabase.WRITABLE);
        assertEquals(-1, nextInterval().tableMissingMs());
    }

    @Test
    void aRenewalOpensTheNewSessionBeforeClosingTheOldSoThatItProvesAFreeSlot() {
        nextInterval();
        db.slots(1); // other clients hold every other slot: the monitor's own is the last
        refusals.note(DatabaseRefusal.UNAVAILABLE);
        DatabaseStatus s = nextInterval();
        assertFalse(s.up(), "closing first would reuse its own slot and prove nothing: " + s);
        assertEquals("53300", s.sqlState());
        db.slots(2);
        assertTrue(nextInterval().up());
    }

    @Test
    void withoutAnyRequestANewSessionIsProvenEveryNewSessionEvery() {
        nextInterval();
        assertEquals(1, db.opened);
        db.refuseConnections(new SQLException("sorry, too many clients already", "53300"));
        long intervals = NEW_SESSION_EVERY.dividedBy(INTERVAL);
        DatabaseStatus s = null;
        for (long i = 1; i <= intervals; i++) {
            s = nextInterval();
            if (!s.up()) {
                break;
            }
        }
        assertFalse(s.up(), "within new-session-every (" + NEW_SESSION_EVERY + ") of the change: " + s);
        assertEquals("53300", s.sqlState());
        assertEquals(2, db.opened + db.refused, "exactly one new session was tried");
    }

    static DatabaseConfig config() {
        return new DatabaseConfig() {
            @Override
            public Duration interval() {
                return INTERVAL;
            }

            @Override
            public Duration deadline() {
                return Duration.ofMillis(500);
            }

            @Override
            public Duration downAfter() {
                return Duration.ofSeconds(2);
            }

            @Override
            public Duration abandonAfter() {
                return Duration.ofSeconds(5);
            }

            @Override
            public Duration newSessionEvery() {
                return NEW_SESSION_EVERY;
            }

            @Override
            public Duration slowThreshold() {
                return Duration.ofMillis(250);
            }
        };
    }
}
