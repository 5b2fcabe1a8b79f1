package io.creditrobot.error;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;

/** Tells a database that cannot be reached from a request that the database rejected. */
public final class DatabaseFailures {

    private DatabaseFailures() {
    }

    /**
     * True when the failure means "the database is unreachable, overloaded or restarting", so retrying later can
     * succeed: SQLSTATE class 08 (connection exception), 57P01–57P03 (shutdown, crash, starting up), 53300 (too many
     * connections), a pool acquisition timeout, or a network timeout.
     */
    public static boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof ConnectException
                    || t instanceof SocketTimeoutException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || state.startsWith("57P") || state.equals("53300"))) {
                    return true;
                }
                // Agroal reports an exhausted or unreachable pool without an SQLSTATE.
                String message = sql.getMessage();
                if (state == null && message != null
                        && message.toLowerCase(Locale.ROOT).contains("acquisition timeout")) {
                    return true;
                }
            }
        }
        return false;
    }
}
