package io.creditrobot.health;

import java.time.Duration;
import java.util.ArrayDeque;

import org.jboss.logging.Logger;

/**
 * One check's recent transitions (monotonic times within the window) and whether it is flapping: more than
 * {@code transitions} changes within {@code window}, until it has been steady for a whole window. Says so in one WARN
 * line when it starts and one INFO line when it ends. Written by the watcher's thread only; {@link #on()} is read by
 * the gauge on scrapes.
 */
final class Flapping {

    private static final Logger LOG = Logger.getLogger(HealthTransitions.class);

    private final int transitions;
    private final long windowNanos;
    private final ArrayDeque<Long> recent = new ArrayDeque<>();
    private volatile boolean on;
    private long last;
    private int unlogged;

    Flapping(int transitions, long windowNanos) {
        this.transitions = transitions;
        this.windowNanos = windowNanos;
    }

    boolean on() {
        return on;
    }

    /** Counts {@code check}'s transition at {@code now}; when it makes the check start flapping, says so. */
    void count(String check, long now) {
        last = now;
        recent.addLast(now);
        while (!recent.isEmpty() && now - recent.peekFirst() > windowNanos) {
            recent.removeFirst();
        }
        if (!on && recent.size() > transitions) {
            on = true;
            unlogged = 0;
            long windowS = Duration.ofNanos(windowNanos).toSeconds();
            LOG.warnf("Health check '%s' is flapping: %d transitions within %d s; its transitions are journaled "
                    + "(/q/health/history) and counted, not logged, until it is steady for %d s", check,
                    recent.size(), windowS, windowS);
        }
    }

    /** A transition journaled but not logged while flapping. */
    void unlogged() {
        unlogged++;
    }

    /**
     * No transition of {@code check} at {@code now}: when a flapping check has been steady for a whole window, it is
     * not flapping any more, and one line says so with the state it settled in (built only then: this runs on every
     * unchanged observation).
     */
    void settle(String check, long now, boolean up, String reason) {
        if (!on || now - last <= windowNanos) {
            return;
        }
        on = false;
        recent.clear();
        LOG.infof("Health check '%s' is steady again: no transition for %d s (%d transitions were not logged); it is "
                + "%s", check, Duration.ofNanos(windowNanos).toSeconds(), unlogged,
                up ? "UP" : "DOWN (reason: " + reason + ")");
    }
}
