package io.creditrobot.health;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The last {@code creditrobot.health.journal.size} health transitions, in memory, oldest first: what
 * {@code GET /q/health/history} answers. Written only by {@link HealthTransitions} (on the watcher's thread), so it
 * holds what happened whether or not anybody probed; read by any thread. Bounded: the oldest entry is dropped when
 * it is full, and the count of dropped entries says so. Lost on restart, like any in-process state; the log lines and
 * the {@code creditrobot_health_transitions_total} counter carry the same facts outward. Its records are registered
 * for reflection: {@link HealthHistoryRoute} serializes them with its own {@code ObjectMapper} call, which the native
 * build cannot see (without it {@code /q/health/history} answered 500 in the native executable).
 */
@ApplicationScoped
@RegisterForReflection(targets = { HealthJournal.Page.class, HealthJournal.Entry.class })
public class HealthJournal {

    /**
     * One transition.
     *
     * @param seq its number since start (1, 2, …): a reader sees from gaps what the ring dropped
     * @param check the check's name
     * @param from {@code START}, {@code UP} or {@code DOWN}
     * @param to {@code UP} or {@code DOWN}
     * @param reason when DOWN, the check's reason; null when UP
     * @param at wall-clock time of the transition (as the watcher saw it)
     * @param previousStateMs how long the state it left lasted (monotonic clock), null for the first
     * @param evidence the check's data when it was seen (DOWN: reason, SQLSTATE, round trip…); never a secret, a host
     *        or a user (the checks' data carries none)
     * @param flapping whether the check was flapping at that moment (its transitions were then journaled, not logged)
     */
    public record Entry(long seq, String check, String from, String to, String reason, Instant at, Long previousStateMs,
            Map<String, Object> evidence, boolean flapping) {
    }

    /** What a reader gets: the entries that match, and what the ring holds and has dropped. */
    public record Page(int capacity, long recorded, long dropped, List<Entry> entries) {
    }

    private final int capacity;
    private final ArrayDeque<Entry> entries;
    private long recorded;

    @Inject
    HealthJournal(HealthConfig config) {
        this(config.journal().size());
    }

    HealthJournal(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("creditrobot.health.journal.size must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.entries = new ArrayDeque<>(capacity);
    }

    synchronized Entry record(String check, String from, String to, String reason, Instant at, Long previousStateMs,
            Map<String, Object> evidence, boolean flapping) {
        if (entries.size() == capacity) {
            entries.removeFirst();
        }
        Entry entry = new Entry(++recorded, check, from, to, reason, at, previousStateMs, Collections.unmodifiableMap(new LinkedHashMap<>(evidence)),
                flapping);
        entries.addLast(entry);
        return entry;
    }

    /** The entries of {@code check} (every check when null) at or after {@code since} (all when null), oldest first. */
    public synchronized Page read(String check, Instant since) {
        List<Entry> matching = entries.stream().filter(e -> check == null || e.check().equals(check))
                .filter(e -> since == null || !e.at().isBefore(since)).toList();
        return new Page(capacity, recorded, recorded - entries.size(), matching);
    }
}
