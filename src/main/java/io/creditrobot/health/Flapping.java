package io.creditrobot.health;

import java.util.ArrayDeque;

/**
 * One check's recent transitions (monotonic times within the window) and whether it is flapping: more than
 * {@code transitions} changes within {@code window}, until it has been steady for a whole window. Written by the
 * watcher's thread only; {@link #on()} is read by the gauge on scrapes.
 */
final class Flapping {

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

    int recent() {
        return recent.size();
    }

    /** Counts a transition at {@code now}; true when it makes the check start flapping. */
    boolean count(long now) {
        last = now;
        recent.addLast(now);
        while (!recent.isEmpty() && now - recent.peekFirst() > windowNanos) {
            recent.removeFirst();
        }
        if (!on && recent.size() > transitions) {
            on = true;
            unlogged = 0;
            return true;
        }
        return false;
    }

    /** A transition journaled but not logged while flapping. */
    void unlogged() {
        unlogged++;
    }

    /**
     * No transition at {@code now}: when a flapping check has been steady for a whole window, it is not flapping any
     * more; returns how many transitions went unlogged, or -1 when nothing changed.
     */
    int settle(long now) {
        if (!on || now - last <= windowNanos) {
            return -1;
        }
        on = false;
        recent.clear();
        return unlogged;
    }
}
