package io.creditrobot.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit finds each kind of leak it looks for, says where, and never repeats what it found. */
class LogAuditTest {

    @TempDir
    Path dir;

    @Test
    void findsEachKindOnItsLineAndReportsNeitherTheTextNorCleanLines() throws IOException {
        String jwt = Tokens.token(Tokens.ALICE, "applicant");
        Path log = dir.resolve("app.log");
        Files.write(log, List.of(
                "INFO  [io.creditrobot] Health check 'database' UP -> DOWN (reason: unreachable)",
                "WARN  [x] body {\"applicantName\":\"Ada\",\"email\":\"ada.lovelace@example.org\"}",
                "DEBUG [y] Authorization: Bearer " + jwt,
                "ERROR [z] FATAL: password authentication failed, password Pw-0123abcd" + LogAudit.PASSWORD_MARKER,
                "INFO  [w] operator " + Tokens.operatorBasic(),
                "INFO  [v] creditrobot started in 1.2s. Listening on: http://127.0.0.1:8080 (io.vertx.Foo@1a2b3c)"));

        List<LogAudit.Finding> findings = LogAudit.scan(log);

        assertEquals(List.of("2 an e-mail address", "3 an access token (JWT)", "4 a database password",
                "5 the operator's password"), findings.stream().map(f -> f.line() + " " + f.kind()).toList());
        for (LogAudit.Finding f : findings) {
            assertFalse(f.toString().contains("lovelace") || f.toString().contains(jwt.substring(0, 20))
                    || f.toString().contains("Pw-"), "a finding never repeats the text: " + f);
        }
    }
}
