package io.creditrobot.database;

import java.util.concurrent.TimeUnit;

/**
 * What the write trials ({@link WriteTrial}) found, as the {@code writes} and {@code listing} checks show it.
 *
 * @param up no trial was refused, or only one wait so far (a lock ordinary traffic holds for a moment)
 * @param refusal the last trial's refusal, or null when it went through (or none ran yet)
 * @param refusedInRow trials refused in a row
 * @param trials trials run since boot
 * @param lastTrialAt when the last trial ended (the monitor's clock), or -1 before the first
 * @param held committed applications the listing does not show yet (counted up to {@link WriteTrial#HELD_LIMIT}), as
 *        the last trial that went through found them; 0 before the first
 * @param horizon the write horizon that trial found, or null
 * @param heldSince since when trials have found applications held at that same horizon, or -1 when none are
 */
public record WriteStatus(boolean up, WriteRefusal refusal, int refusedInRow, long trials, long lastTrialAt, long held,
        String horizon, long heldSince) {

    static final WriteStatus NONE = new WriteStatus(true, null, 0, 0, -1, 0, null, -1);

    /** After one more trial: a refusal counts at once, a wait from the second in a row. */
    WriteStatus next(WriteTrial.Result result, long at) {
        WriteRefusal refused = result.refusal();
        if (refused == null) {
            WriteTrial.Held found = result.held();
            long since = found.count() == 0 ? -1
                    : heldSince >= 0 && found.horizon().equals(horizon) ? heldSince : at;
            return new WriteStatus(true, null, 0, trials + 1, at, found.count(), found.horizon(), since);
        }
        int inRow = refusedInRow + 1;
        // A refused trial says nothing of the listing: what the last one found stands.
        return new WriteStatus(refused.waited() && inRow < 2, refused, inRow, trials + 1, at, held, horizon,
                heldSince);
    }

    /** How long ago the last trial ended, or -1 before the first. */
    public long lastTrialAgoMs(long now) {
        return lastTrialAt < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(now - lastTrialAt);
    }

    /**
     * For how long the listing has held applications back at one horizon (a write begun before them still in flight),
     * up to the last trial; 0 when it holds none.
     */
    public long heldForMs() {
        return heldSince < 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(lastTrialAt - heldSince);
    }
}
