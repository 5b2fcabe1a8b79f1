package io.creditrobot.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** What the write trials add up to: a refused write, and applications the listing holds back at one horizon. */
class WriteStatusTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private static WriteTrial.Result wentThrough(long held, String horizon) {
        return new WriteTrial.Result(null, new WriteTrial.Held(held, horizon));
    }

    @Test
    void applicationsHeldAtOneHorizonAreHeldSinceTheFirstTrialThatFoundThem() {
        WriteStatus s = WriteStatus.NONE.next(wentThrough(0, "700"), 0);
        assertEquals(0, s.heldForMs());
        s = s.next(wentThrough(1, "700"), SECOND);
        s = s.next(wentThrough(3, "700"), 3 * SECOND);
        assertEquals(2000, s.heldForMs(), "from the first trial that found one held");
        assertEquals(3, s.held());
        // The horizon moved: the write that held them ended, another one holds these.
        s = s.next(wentThrough(2, "705"), 4 * SECOND);
        assertEquals(0, s.heldForMs());
        s = s.next(wentThrough(0, "705"), 5 * SECOND);
        assertEquals(0, s.heldForMs());
        assertEquals(0, s.held());
    }

    @Test
    void aRefusedTrialSaysNothingOfTheListingAndAWaitCountsFromTheSecond() {
        WriteRefusal wait = new WriteRefusal(WriteRefusal.WriteReason.LOCK_WAIT, "55P03", null, null, null);
        WriteStatus s = WriteStatus.NONE.next(wentThrough(1, "9"), 0).next(new WriteTrial.Result(wait, null), SECOND);
        assertTrue(s.up(), "one wait: ordinary traffic");
        assertEquals(1, s.held());
        assertEquals(SECOND / 1_000_000, s.heldForMs(), "held since the trial that found it, up to the last trial");
        s = s.next(new WriteTrial.Result(wait, null), 2 * SECOND);
        assertFalse(s.up(), "two in a row");
        s = s.next(wentThrough(0, "12"), 3 * SECOND);
        assertTrue(s.up());
        assertEquals(0, s.refusedInRow());
    }
}
