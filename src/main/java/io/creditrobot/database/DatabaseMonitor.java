package io.creditrobot.database;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.creditrobot.Daemons;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.AgroalDataSource.FlushMode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;

/**
 * Validates the database on a schedule, whether or not anyone probes, and keeps the latest
 * {@link DatabaseStatus} for readiness, metrics and logs to read without ever waiting on the database.
 *
 * <p>
 * Two threads, each with one job: the scheduler ticks every {@code interval} (it starts a validation unless one is
 * still running, and abandons one that has run for {@code abandon-after}); the validation thread runs the round trip
 * and reports its answer. Everything they share lives in {@link ValidationStateMachine}; see there for the rules.
 *
 * <p>
 * The pool is kept clean after each answer ({@link PoolHygiene}).
 */
@ApplicationScoped
public class DatabaseMonitor {

    private static final Logger LOG = Logger.getLogger(DatabaseMonitor.class);

    private final ValidationStateMachine machine;
    private final DatabaseValidator validator;
    private final LongSupplier clock;
    private final Consumer<Runnable> worker;
    private final Consumer<FlushMode> pool;
    private final Timer validationTimer;
    private final Duration interval;
    private final List<ExecutorService> threads = new ArrayList<>();
    private final List<Consumer<DatabaseStatus>> listeners = new CopyOnWriteArrayList<>();
    private final WriteTrial trial;
    private final DatabaseRefusals refusals;
    /** What the write trials found; written by the validation thread only. */
    private volatile WriteStatus writes = WriteStatus.NONE;
    private final PoolHygiene hygiene = new PoolHygiene();

    @Inject
    DatabaseMonitor(AgroalDataSource dataSource, DatabaseConfig config, DatabaseRefusals refusals,
            MeterRegistry registry) {
        this(config, new DatabaseValidator(MonitorSession.likeThePool(dataSource, config.abandonAfter()),
                System::nanoTime, config.newSessionEvery()), System::nanoTime, null, dataSource::flush, refusals,
                registry);
    }

    /** For tests: a fake clock, a fake connection, and a worker that runs validations when the test says so. */
    DatabaseMonitor(DatabaseConfig config, DatabaseValidator validator, LongSupplier clock, Consumer<Runnable> worker,
            Consumer<FlushMode> pool, DatabaseRefusals refusals, MeterRegistry registry) {
        this.machine = new ValidationStateMachine(ValidationStateMachine.Limits.of(config));
        this.validator = validator;
        this.clock = clock;
        this.pool = pool;
        this.refusals = refusals;
        this.interval = config.interval();
        this.trial = new WriteTrial(config.deadline());
        this.validationTimer = Timer.builder("creditrobot.health.database.validation")
                .description("Duration of database validations (one per interval, on the monitor's own connection)")
                .register(registry);
        if (worker == null) {
            ExecutorService validation = Executors.newSingleThreadExecutor(Daemons.named("creditrobot-db-validation"));
            threads.add(validation);
            this.worker = validation::execute;
        } else {
            this.worker = worker;
        }
    }

    /** The database's state now. Never touches the database; cheap enough for every probe. */
    public DatabaseStatus status() {
        return machine.status(clock.getAsLong());
    }

    /** What the last write trials found. Never touches the database. */
    public WriteStatus writes() {
        return writes;
    }

    /** The monitor's clock, which {@link WriteStatus#lastTrialAt()} is read on. */
    public long now() {
        return clock.getAsLong();
    }

    /** {@code listener} is told the status after every validation, on the validation thread: it must not block. */
    public void subscribe(Consumer<DatabaseStatus> listener) {
        listeners.add(listener);
    }

    void start(@Observes StartupEvent event) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                Daemons.named("creditrobot-db-monitor"));
        threads.add(scheduler);
        scheduler.scheduleAtFixedRate(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                // A scheduled task that throws is never run again: keep monitoring, and say why this tick failed.
                LOG.warnf("Database monitor tick failed: %s", e.getClass().getName());
            }
        }, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * One scheduler tick: take what the API's requests were refused ({@link DatabaseRefusals}: the next validation
     * proves a new session, at most one extra connection per interval however many requests fail, and a refused write
     * flushes the pool), abandon a stuck validation, start the next one unless one is running.
     */
    void tick() {
        DatabaseRefusal refusal = refusals.take();
        if (refusal != null) {
            validator.renew();
            if (refusal == DatabaseRefusal.WRITE_REFUSED) {
                pool.accept(FlushMode.GRACEFUL);
            }
        }
        long now = clock.getAsLong();
        if (machine.abandon(now)) {
            validator.abort();
        }
        if (machine.begin(now)) {
            worker.accept(() -> validate(now));
        }
    }

    private void validate(long startedAt) {
        Answer answer = validator.validate(startedAt);
        long now = clock.getAsLong();
        DatabaseStatus status = machine.finish(now, answer);
        validationTimer.record(now - startedAt, TimeUnit.NANOSECONDS);
        hygiene.after(answer.reason()).ifPresent(pool);
        listeners.forEach(listener -> listener.accept(status));
        if (status.up() && answer.table() == Answer.Table.PRESENT) {
            tryWrite();
        }
    }

    /** After the validation, outside its deadline: a lost session says nothing of writes, and is not counted. */
    private void tryWrite() {
        try {
            writes = writes.next(validator.tryWrite(trial), clock.getAsLong());
        } catch (Exception e) {
            // The next validation opens a new session and reports what it finds.
        }
    }

    @PreDestroy
    void stop() {
        threads.forEach(ExecutorService::shutdownNow);
        validator.close();
    }
}
