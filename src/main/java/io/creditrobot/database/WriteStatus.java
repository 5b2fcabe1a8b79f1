package io.creditrobot.database;

import java.util.concurrent.TimeUnit;

/**
 * What the write trials ({@link WriteTrial}) found, as the {@code writes} check shows it.
 *
 * @param up no trial was refused, or only one wait so far (a lock ordinary traffic holds for a moment)
 * @param refusal the last trial's refusal, or null when it went through (or none ran yet)
 * @param refusedInRow trials refused in a row
 * @param trials trials run since boot
 * @param lastTrialAt when the last trial ended (the monitor's clock), or -1 before the first
 */
public record WriteStatus(boolean up, WriteRefusal refusal, int refusedInRow, long trials, long lastTrialAt) {

    static final WriteStatus NONE = new WriteStatus(true, null, 0, 0, -1);

    /** After one more trial: a refusal counts at once, a wait from the second in a row. */
    WriteStatus next(WriteRefusal refused, long at) {
        if (refused == null) {
            return new WriteStatus(true, null, 0, trials + 1, at);
        }
        int inRow = refusedInRow + 1;
        return new WriteStatus(refused.waited() && inRow < 2, refused, inRow, trials + 1, at);
    }

    /** How long ago the last trial ended, or -1 before the first. */
    public long lastTrialAgoMs(long now) {
        return lastTrialAt < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(now - lastTrialAt);
    }
}
