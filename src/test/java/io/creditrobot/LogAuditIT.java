package io.creditrobot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.creditrobot.testsupport.LogAudit;

/**
 * Personal data and secrets never reach a log: every log the suite's applications wrote (each {@code @QuarkusTest}
 * application, each {@code @QuarkusIntegrationTest} launch, each packaged jar a test launched) is read, line by line,
 * after every other test ran (failsafe runs this class alone, after the others: see pom.xml). The tests sent
 * applications with e-mail addresses, bearer tokens, wrong and rotated passwords, and stopped, froze and refused the
 * database under them; none of it may show.
 */
class LogAuditIT {

    @Test
    void noLogTheSuiteProducedCarriesPersonalDataOrASecret() throws IOException {
        List<Path> logs = LogAudit.suiteLogs();
        Path tests = LogAudit.KEPT.resolve("quarkus-tests.log");
        // The audit reads what the suite wrote, or it proves nothing (a run of one test, -Dit.test=…, has fewer logs).
        if (Files.exists(tests)) {
            assertTrue(Files.readString(tests).contains("started in"), tests + " holds an application's start");
        }
        long lines = 0;
        for (Path log : logs) {
            try (var stream = Files.lines(log)) {
                lines += stream.count();
            }
        }
        assertTrue(lines > 0, "logs to read: " + logs);
        List<LogAudit.Finding> findings = logs.stream().flatMap(f -> LogAudit.scan(f).stream()).toList();
        System.out.printf("log audit: %d files, %d lines, %d findings%n", logs.size(), lines, findings.size());
        assertEquals(List.of(), findings, "lines carrying personal data or a secret (file:line kind)");
    }
}
