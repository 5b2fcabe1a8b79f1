package io.creditrobot.database;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A database seen through JDBC, faked for deterministic tests of the monitor: a fake clock, and connections whose
 * validation query answers what the test says (writable, read-only, standby, slowly, an exception, an {@link Error})
 * or fails once aborted (what a hung query does when the monitor closes its socket).
 */
final class FakeDatabase implements MonitorSession.ConnectionSource {

    /** What the next validation query does. */
    @FunctionalInterface
    interface Behaviour {
        /**
         * Returns the row ({@code pg_is_in_recovery()}, {@code transaction_read_only}, the API table present, the
         * API table locked exclusively) or throws.
         */
        Object[] query(FakeDatabase db) throws SQLException;
    }

    static final Behaviour WRITABLE = db -> new Object[] { false, "off", true, false };
    static final Behaviour READ_ONLY = db -> new Object[] { false, "on", true, false };
    static final Behaviour STANDBY = db -> new Object[] { true, "on", true, false };
    static final Behaviour TABLE_MISSING = db -> new Object[] { false, "off", false, false };
    static final Behaviour TABLE_LOCKED = db -> new Object[] { false, "off", true, true };

    private long nanos = 1_000_000_000L;
    private Behaviour behaviour = WRITABLE;
    private SQLException refuseConnections;
    private Duration connectTakes = Duration.ZERO;
    private Conn current;
    private final java.util.List<Conn> sessions = new java.util.ArrayList<>();
    private int slots = Integer.MAX_VALUE;
    int opened;
    /** Connections refused by {@link #refuseConnections}. */
    int refused;
    int aborted;

    long now() {
        return nanos;
    }

    void advance(Duration d) {
        nanos += d.toNanos();
    }

    void behave(Behaviour next) {
        this.behaviour = next;
    }

    /** New connections are refused (null: accepted again). */
    void refuseConnections(SQLException failure) {
        this.refuseConnections = failure;
    }

    /** At most this many sessions open at once; one more is refused as PostgreSQL does (53300). */
    void slots(int max) {
        this.slots = max;
    }

    /** Opening a connection takes this long on the fake clock (a login timeout, say). */
    void connectTakes(Duration d) {
        this.connectTakes = d;
    }

    static Behaviour slow(Duration d) {
        return db -> {
            db.advance(d);
            return new Object[] { false, "off", true, false };
        };
    }

    static Behaviour failing(Throwable t) {
        return db -> {
            if (t instanceof SQLException sql) {
                throw sql;
            }
            throw (Error) t;
        };
    }

    /** Fails once with a dropped session (SQLSTATE 08006), then behaves as {@code then}. */
    static Behaviour droppedOnceThen(Behaviour then) {
        boolean[] dropped = { false };
        return db -> {
            if (!dropped[0]) {
                dropped[0] = true;
                throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
            }
            return then.query(db);
        };
    }

    static SQLException refused() {
        return new SQLException("Connection refused", "08001", new ConnectException("Connection refused"));
    }

    @Override
    public Connection open() throws SQLException {
        advance(connectTakes);
        if (refuseConnections != null) {
            refused++;
            throw refuseConnections;
        }
        sessions.removeIf(session -> session.closed);
        if (sessions.size() >= slots) {
            refused++;
            throw new SQLException("sorry, too many clients already", "53300");
        }
        opened++;
        current = new Conn();
        sessions.add(current);
        return current.proxy;
    }

    /** One fake session: closed or aborted, it fails every query as pgjdbc does. */
    private final class Conn {
        boolean closed;
        boolean wasAborted;
        final Connection proxy = proxy(Connection.class, (p, method, args) -> switch (method.getName()) {
            case "createStatement" -> statement();
            case "abort" -> {
                wasAborted = true;
                closed = true;
                aborted++;
                yield null;
            }
            case "close" -> {
                closed = true;
                yield null;
            }
            case "isClosed" -> closed;
            case "setNetworkTimeout", "setAutoCommit", "rollback" -> null;
            default -> throw new UnsupportedOperationException(method.getName());
        });

        private Statement statement() {
            return proxy(Statement.class, (p, method, args) -> switch (method.getName()) {
                case "executeQuery" -> {
                    if (wasAborted) {
                        throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
                    }
                    if (closed) {
                        throw new SQLException("This connection has been closed.", "08003");
                    }
                    yield resultSet(behaviour.query(FakeDatabase.this));
                }
                case "execute" -> {
                    // The write trial: it goes through, and the listing holds nothing back, unless the session is gone.
                    if (closed) {
                        throw new SQLException("This connection has been closed.", "08003");
                    }
                    yield true;
                }
                case "getResultSet" -> resultSet(new Object[] { 0L, "1" });
                case "getMoreResults" -> false;
                case "getUpdateCount" -> -1;
                case "close" -> null;
                default -> throw new UnsupportedOperationException(method.getName());
            });
        }
    }

    private static ResultSet resultSet(Object[] row) {
        boolean[] read = { false };
        return proxy(ResultSet.class, (p, method, args) -> switch (method.getName()) {
            case "next" -> {
                boolean first = !read[0];
                read[0] = true;
                yield first;
            }
            case "getBoolean" -> row[(int) args[0] - 1];
            case "getString", "getLong" -> row[(int) args[0] - 1];
            case "close" -> null;
            default -> throw new UnsupportedOperationException(method.getName());
        });
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return (T) Proxy.newProxyInstance(FakeDatabase.class.getClassLoader(), new Class<?>[] { type },
                (p, method, args) -> {
                    try {
                        return handler.invoke(p, method, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
