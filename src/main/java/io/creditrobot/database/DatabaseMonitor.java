package io.creditrobot.database;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.AgroalDataSource.FlushMode;
import io.agroal.api.configuration.AgroalConnectionFactoryConfiguration;
import io.agroal.api.security.AgroalDefaultSecurityProvider;
import io.agroal.api.security.AgroalSecurityProvider;
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
 * Pool hygiene follows the answers: after a connection failure idle pooled connections are dropped (they are most
 * likely as dead); on {@code read-only}, and when it ends, the pool is flushed gracefully, so that every request
 * reconnects (with a multi-host URL and {@code targetServerType=primary}, to the new primary).
 */
@ApplicationScoped
public class DatabaseMonitor {

    private static final Logger LOG = Logger.getLogger(DatabaseMonitor.class);
    private static final String APPLICATION_NAME = "creditrobot-health";

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
    /** The previous answer's reason (null: writable); touched by the validation thread only. */
    private DatabaseReason previous;

    @Inject
    DatabaseMonitor(AgroalDataSource dataSource, DatabaseConfig config, DatabaseRefusals refusals,
            MeterRegistry registry) {
        this(config, new DatabaseValidator(connectionSource(dataSource, config.abandonAfter()), System::nanoTime,
                config.newSessionEvery()), System::nanoTime, null, dataSource::flush, refusals, registry);
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
            ExecutorService validation = Executors.newSingleThreadExecutor(daemon("creditrobot-db-validation"));
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
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(daemon("creditrobot-db-monitor"));
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
        keepPoolClean(answer.reason());
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

    private void keepPoolClean(DatabaseReason reason) {
        if (reason == DatabaseReason.UNREACHABLE || reason == DatabaseReason.TIMEOUT) {
            pool.accept(FlushMode.IDLE);
        } else if (reason == DatabaseReason.READ_ONLY) {
            pool.accept(FlushMode.GRACEFUL);
        } else if (reason == null && previous == DatabaseReason.READ_ONLY) {
            // Writable again: sessions opened while the server was read-only may keep that as their default.
            pool.accept(FlushMode.GRACEFUL);
        }
        previous = reason;
    }

    @PreDestroy
    void stop() {
        threads.forEach(ExecutorService::shutdownNow);
        validator.close();
    }

    /**
     * Opens connections like the application's pool does (same URL, credentials, JDBC properties and login
     * timeout), but outside it, with {@code abandon-after} as the socket's network timeout.
     */
    static DatabaseValidator.ConnectionSource connectionSource(AgroalDataSource dataSource, Duration networkTimeout) {
        AgroalConnectionFactoryConfiguration factory = dataSource.getConfiguration().connectionPoolConfiguration()
                .connectionFactoryConfiguration();
        String url = factory.jdbcUrl();
        Properties properties = new Properties();
        properties.putAll(factory.jdbcProperties());
        securityProperties(factory, factory.principal(), properties);
        factory.credentials().forEach(credential -> securityProperties(factory, credential, properties));
        properties.setProperty("ApplicationName", APPLICATION_NAME);
        if (!factory.loginTimeout().isZero()) {
            properties.setProperty("loginTimeout",
                    String.valueOf(Math.max(1, (factory.loginTimeout().toMillis() + 999) / 1000)));
        }
        Driver driver = new org.postgresql.Driver();
        int networkTimeoutMillis = (int) networkTimeout.toMillis();
        return () -> {
            Connection connection = driver.connect(url, properties);
            if (connection == null) {
                throw new SQLException("Not a PostgreSQL JDBC URL", "08001");
            }
            connection.setNetworkTimeout(Runnable::run, networkTimeoutMillis);
            return connection;
        };
    }

    private static void securityProperties(AgroalConnectionFactoryConfiguration factory, Object security,
            Properties into) {
        if (security == null) {
            return;
        }
        List<AgroalSecurityProvider> providers = new ArrayList<>(factory.securityProviders());
        providers.add(new AgroalDefaultSecurityProvider());
        for (AgroalSecurityProvider provider : providers) {
            Properties properties = provider.getSecurityProperties(security);
            if (properties != null) {
                into.putAll(properties);
                return;
            }
        }
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
