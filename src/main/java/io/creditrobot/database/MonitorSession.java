package io.creditrobot.database;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.LongSupplier;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.AgroalConnectionFactoryConfiguration;
import io.agroal.api.security.AgroalDefaultSecurityProvider;
import io.agroal.api.security.AgroalSecurityProvider;

/**
 * The monitor's own database session, never one of the API's pool (so a pool saturated by API load is not mistaken
 * for a database that does not answer), opened as the pool opens its connections ({@link #likeThePool}). Kept between
 * validations and replaced when it fails, when it is older than {@code new-session-every} (so that what the pool
 * needs, a new session, is proven at that cadence), and when {@link #renew()} asks.
 *
 * <p>
 * Used by the validation thread; {@link #abort()} and {@link #renew()} may be called from any thread.
 */
final class MonitorSession {

    private static final String APPLICATION_NAME = "creditrobot-health";

    /** Opens a new connection to the database, with the application's URL, credentials and timeouts. */
    @FunctionalInterface
    interface ConnectionSource {
        Connection open() throws SQLException;
    }

    private final ConnectionSource source;
    private final LongSupplier clock;
    private final long newSessionEveryNanos;
    private volatile Connection connection;
    /** When {@link #connection} was opened (the clock's time); touched by the validating thread only. */
    private long openedAt;
    private volatile boolean renewRequested;
    private volatile boolean aborted;

    MonitorSession(ConnectionSource source, LongSupplier clock, Duration newSessionEvery) {
        this.source = source;
        this.clock = clock;
        this.newSessionEveryNanos = newSessionEvery.toNanos();
    }

    /**
     * The session to validate on, renewed first if asked or if it is too old at {@code scheduledAt}. A renewal opens
     * the new session before it closes the old one: with every connection slot taken by other clients, closing first
     * would hand the monitor its own slot back and prove nothing, while the pool, which needs one more session, gets
     * none.
     */
    Connection forValidation(long scheduledAt) throws SQLException {
        if (renewRequested || (connection != null && scheduledAt - openedAt >= newSessionEveryNanos)) {
            renewRequested = false;
            Connection old = connection;
            connection = null;
            try {
                return open();
            } finally {
                closeQuietly(old);
            }
        }
        Connection c = connection;
        return c != null ? c : open();
    }

    /** A new session, the failed one already closed. */
    Connection open() throws SQLException {
        openedAt = clock.getAsLong();
        Connection c = source.open();
        connection = c;
        return c;
    }

    /** The session the last validation used, or null. */
    Connection current() {
        return connection;
    }

    /** The next validation opens a fresh session (one whose settings may be stale is not trusted). */
    void renew() {
        renewRequested = true;
    }

    /** Closes the session under a stuck validation, from another thread, so that the validation ends. */
    void abort() {
        aborted = true;
        Connection c = connection;
        if (c != null) {
            try {
                // pgjdbc closes the socket at once, which wakes the thread blocked reading it.
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                // Already closed or broken: the blocked read fails either way.
            }
        }
    }

    /** Whether {@link #abort()} ended the validation under way; cleared for the next one. */
    boolean takeAborted() {
        boolean was = aborted;
        aborted = false;
        return was;
    }

    void close() {
        Connection c = connection;
        connection = null;
        closeQuietly(c);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException | RuntimeException e) {
                // The session is gone either way.
            }
        }
    }

    /**
     * Opens connections like the application's pool does (same URL, credentials, JDBC properties and login
     * timeout), but outside it, with {@code abandon-after} as the socket's network timeout.
     */
    static ConnectionSource likeThePool(AgroalDataSource dataSource, Duration networkTimeout) {
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
}
