package io.creditrobot.database;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * Keeps a database outage from filling the log: when a request's transaction is rolled back on a connection the
 * database has already dropped (ARJUNA016045), or its commit fails because the connection was lost while committing
 * (ARJUNA016039), Narayana logs a full stack trace, once per request. The line stays (it names the transaction); the
 * stack trace, which only says "the connection is closed", goes. Every other record passes untouched. The outage
 * itself is logged once, by the {@code database} health check's transition; a lost commit once more, by the API's
 * error mapping, with its cause's class.
 */
@LoggingFilter(name = "creditrobot-outage")
public final class OutageLogFilter implements Filter {

    static final String ROLLBACK_ON_DEAD_CONNECTION = "ARJUNA016045";
    static final String COMMIT_ON_LOST_CONNECTION = "ARJUNA016039";

    @Override
    public boolean isLoggable(LogRecord record) {
        if (record.getThrown() != null && record.getLoggerName() != null
                && record.getLoggerName().startsWith("com.arjuna") && record.getMessage() != null
                && (record.getMessage().contains(ROLLBACK_ON_DEAD_CONNECTION)
                        || record.getMessage().contains(COMMIT_ON_LOST_CONNECTION))) {
            record.setThrown(null);
        }
        return true;
    }
}
