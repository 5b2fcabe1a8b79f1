package io.creditrobot.application;

import java.sql.SQLException;

/**
 * A statement of {@link ApplicationReads} or {@link ApplicationWrites} the database refused or could not serve; the
 * API's mappers read its SQLSTATE (503 for what an operator or time fixes, else 500 with a structural log line).
 */
public final class DatabaseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    DatabaseException(SQLException cause) {
        super("A database statement failed", cause);
    }
}
