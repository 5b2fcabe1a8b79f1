package io.creditrobot.health;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The one place that asks PostgreSQL whether it answers, bounded three ways:
 * <ul>
 * <li><b>deadline</b>: a caller waits at most {@code deadline} for an answer; a validation still running then is
 * published as DOWN with reason {@code timeout}. No pool wait, stale connection or frozen server can stretch it.</li>
 * <li><b>single flight</b>: at most one validation runs; concurrent callers share it. A timed-out validation keeps
 * its slot until it ends (at the latest after {@code abandon-after}, when its connection's network timeout fires),
 * so a hung server never accumulates blocked threads.</li>
 * <li><b>TTL</b>: a published outcome is reused for {@code ttl}, so any probe rate costs at most one round trip per
 * TTL.</li>
 * </ul>
 * Callers never block a thread: {@link #check()} returns a stage completed within the deadline.
 */
@ApplicationScoped
public class DatabaseProber {

    private static final String VALIDATION_SQL = "SELECT 1";

    private final AgroalDataSource dataSource;
    private final long deadlineNanos;
    private final long ttlNanos;
    private final int abandonAfterMillis;
    private final Timer latency;
    private final AtomicLong validations = new AtomicLong();
    private final AtomicReference<Flight> inFlight = new AtomicReference<>();
    private final ExecutorService validator = Executors.newSingleThreadExecutor(daemon("creditrobot-db-validation"));
    private final ScheduledExecutorService deadlines = Executors
            .newSingleThreadScheduledExecutor(daemon("creditrobot-db-deadline"));
    private volatile DatabaseValidation latest;
    private volatile Runnable onSuccess = () -> {
    };

    /** A running validation: {@code answer} completes with its outcome or at its deadline, whichever is first. */
    private record Flight(long startedNanos, CompletableFuture<DatabaseValidation> answer) {
    }

    /** What one validation found: a round trip's duration, or the failure ({@code roundTripNanos} then -1). */
    private record Attempt(Throwable failure, long roundTripNanos) {
    }

    DatabaseProber(AgroalDataSource dataSource, HealthConfig config, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.deadlineNanos = config.database().deadline().toNanos();
        this.ttlNanos = config.database().ttl().toNanos();
        this.abandonAfterMillis = (int) Math.max(config.database().abandonAfter().toMillis(),
                config.database().deadline().toMillis());
        this.latency = Timer.builder("creditrobot.health.database.validation")
                .description("Duration of database validations (round trips made by the readiness prober)")
                .register(registry);
    }

    /** The current outcome: a fresh published one, or the shared in-flight validation's (within its deadline). */
    public CompletionStage<DatabaseValidation> check() {
        long now = System.nanoTime();
        DatabaseValidation last = latest;
        if (last != null && last.isFresh(now, ttlNanos)) {
            return CompletableFuture.completedFuture(last);
        }
        Flight flight = inFlight.get();
        if (flight == null) {
            Flight mine = new Flight(now, new CompletableFuture<>());
            if (inFlight.compareAndSet(null, mine)) {
                launch(mine);
                flight = mine;
            } else {
                flight = inFlight.get();
                if (flight == null) {
                    // Another caller's validation finished between the two reads: its outcome is fresh.
                    return CompletableFuture.completedFuture(latest);
                }
            }
        }
        return flight.answer().minimalCompletionStage();
    }

    /** The last published outcome, or null before the first validation. Never touches the database. */
    public DatabaseValidation latest() {
        return latest;
    }

    /** Called (on the validation thread) after every successful validation; used to wake the schema migrator. */
    void onSuccess(Runnable action) {
        this.onSuccess = action;
    }

    private void launch(Flight flight) {
        validations.incrementAndGet();
        deadlines.schedule(() -> publishTimeout(flight), deadlineNanos, TimeUnit.NANOSECONDS);
        validator.execute(() -> {
            if (publish(flight, validate()).up()) {
                onSuccess.run();
            }
        });
    }

    private Attempt validate() {
        try (Connection connection = dataSource.getConnection()) {
            int previous = connection.getNetworkTimeout();
            // The socket-level backstop: statement timeouts need an answering server, this does not.
            connection.setNetworkTimeout(Runnable::run, abandonAfterMillis);
            long roundTripStart = System.nanoTime();
            try (Statement statement = connection.createStatement()) {
                statement.execute(VALIDATION_SQL);
            } finally {
                connection.setNetworkTimeout(Runnable::run, previous);
            }
            return new Attempt(null, System.nanoTime() - roundTripStart);
        } catch (SQLException | RuntimeException e) {
            // Idle connections are most likely as dead as this one (server restarted or unreachable): drop them,
            // so that the next validation and the next API request open fresh ones.
            dataSource.flush(AgroalDataSource.FlushMode.IDLE);
            return new Attempt(e, -1);
        }
    }

    private synchronized DatabaseValidation publish(Flight flight, Attempt attempt) {
        latency.record(System.nanoTime() - flight.startedNanos(), TimeUnit.NANOSECONDS);
        boolean up = attempt.failure() == null;
        // When this flight already published its timeout, that counted the failure: a late error is not a second.
        boolean counted = flight.answer().isDone();
        DatabaseValidation outcome = outcome(flight, up, up ? null : DatabaseValidation.ERROR, attempt.failure(),
                attempt.roundTripNanos(), counted);
        latest = outcome;
        inFlight.compareAndSet(flight, null);
        flight.answer().complete(outcome);
        return outcome;
    }

    private synchronized void publishTimeout(Flight flight) {
        if (flight.answer().isDone()) {
            return;
        }
        latest = outcome(flight, false, DatabaseValidation.TIMEOUT, null, -1, false);
        flight.answer().complete(latest);
    }

    /** Called under the lock, so that consecutive failures count each flight once. */
    private DatabaseValidation outcome(Flight flight, boolean up, String reason, Throwable failure,
            long roundTripNanos, boolean failureAlreadyCounted) {
        long now = System.nanoTime();
        int before = latest == null ? 0 : latest.consecutiveFailures();
        int failures = up ? 0 : failureAlreadyCounted ? before : before + 1;
        Throwable root = rootCause(failure);
        long latencyMs = TimeUnit.NANOSECONDS.toMillis(now - flight.startedNanos());
        long roundTripMs = roundTripNanos < 0 ? latencyMs : TimeUnit.NANOSECONDS.toMillis(roundTripNanos);
        return new DatabaseValidation(up, reason, root == null ? null : root.getClass().getName(),
                sqlState(failure), latencyMs, roundTripMs, Instant.now(), now, failures, validations.get());
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable root = failure;
        while (root != null && root.getCause() != null) {
            root = root.getCause();
        }
        return root;
    }

    private static String sqlState(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @PreDestroy
    void stop() {
        validator.shutdownNow();
        deadlines.shutdownNow();
    }
}
