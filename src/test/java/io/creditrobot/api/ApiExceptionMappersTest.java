package io.creditrobot.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.SocketException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import jakarta.transaction.RollbackException;
import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.Test;

import io.creditrobot.database.DatabaseRefusal;
import io.quarkus.narayana.jta.QuarkusTransactionException;

/** Failures the fleet test met under a failover and a frozen instance: none may become a 500. */
class ApiExceptionMappersTest {

    private final List<DatabaseRefusal> refusals = new ArrayList<>();
    private final ApiExceptionMappers mappers = new ApiExceptionMappers(refusals::add);

    @Test
    void aCommitTheTransactionManagerCouldNotCompleteIs503WithRetryAfter() {
        // Narayana's report of a read transaction's COMMIT on a connection the failed primary dropped: no SQL cause.
        Response r = mappers.unexpected(new QuarkusTransactionException(
                new RollbackException("ARJUNA016053: Could not commit transaction.")));
        assertEquals(503, r.getStatus());
        assertEquals("5", r.getHeaderString("Retry-After"));
    }

    @Test
    void aClientThatClosedItsConnectionMidRequestIsNotAServerError() {
        Response r = mappers.unexpected(new IOException(new SocketException("Connection reset")));
        assertEquals(400, r.getStatus());
    }

    @Test
    void aDatabaseIoFailureIsStillADatabaseFailure() {
        Response r = mappers.unexpected(new RuntimeException(
                new SQLException("An I/O error occurred", "08006", new IOException("Connection reset"))));
        assertEquals(503, r.getStatus());
    }

    @Test
    void aSessionOrStatementTheDatabaseRefusedForNowIs503WithRetryAfterAndTellsTheMonitor() {
        List<String> states = List.of("53100", "53200", "53300", "40001", "40P01", "55P03", "57014", "28P01", "28000",
                "3D000", "55000", "57P01", "57P03", "57P04", "42501", "08001", "08006", "25P03");
        for (String state : states) {
            Response r = mappers.unexpected(new RuntimeException(new SQLException("refused for now", state)));
            assertEquals(503, r.getStatus(), state);
            assertEquals("5", r.getHeaderString("Retry-After"), state);
        }
        assertEquals(Collections.nCopies(states.size(), DatabaseRefusal.UNAVAILABLE), refusals,
                "each refusal asks the monitor to prove a new session");
    }

    @Test
    void aWriteRefusedAsReadOnlyIs503AndAsksTheMonitorToFlushThePool() {
        Response r = mappers.unexpected(new RuntimeException(new SQLException("read-only", "25006")));
        assertEquals(503, r.getStatus());
        assertEquals(List.of(DatabaseRefusal.WRITE_REFUSED), refusals);
    }

    @Test
    void aTableOrColumnMissingFromTheSchemaIs503NotA500() {
        for (String state : List.of("42P01", "42703", "23502")) {
            Response r = mappers.unexpected(new RuntimeException(new SQLException("relation does not exist", state)));
            assertEquals(503, r.getStatus(), state);
        }
    }

    @Test
    void aStatementRefusedForItsContentStaysAnUnexpectedFailure() {
        // Only input validation can prevent these; should one slip through, it is a bug to see, with a reference.
        assertEquals(500, mappers.unexpected(new RuntimeException(new SQLException("numeric overflow", "22003")))
                .getStatus());
    }
}
