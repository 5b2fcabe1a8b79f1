package io.creditrobot.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.creditrobot.CreditRobotMain;

/**
 * The probe's hand-written parsing of an HTTP answer and a health document (it uses no regular expressions, see
 * {@link HealthProbe}), and the rule that keeps its start cheap: nothing in the probe's classes links a regular
 * expression, a string concatenation call site or a lambda.
 */
class HealthProbeParsingTest {

    @Test
    void theStatusLineGivesTheCode() throws Exception {
        assertEquals(200, HealthProbe.parseAnswer("HTTP/1.1 200 OK\r\n\r\n{}").status());
        assertEquals(503, HealthProbe.parseAnswer("HTTP/1.0 503\r\nX: y\r\n\r\n").status());
        assertEquals("{\"status\":\"UP\"}",
                HealthProbe.parseAnswer("HTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\n{\"status\":\"UP\"}").body());
        assertEquals("", HealthProbe.parseAnswer("HTTP/1.1 204 No Content\r\n").body(), "no header end, no body");
        for (String line : List.of("HTTP/2 200 OK", "HTTP/1.1 20 OK", "HTTP/1.1 2000", "HTTP/1.1 2x0 OK",
                "HTTP/1.1 200OK", "http/1.1 200 OK", "HTTP/1.1  200", "HTTP/1.1 200 O\nK", "")) {
            assertEquals(-1, HealthProbe.statusCode(line), line);
        }
        assertThrows(HealthProbe.MalformedAnswerException.class, () -> HealthProbe.parseAnswer(""));
        assertThrows(HealthProbe.MalformedAnswerException.class, () -> HealthProbe.parseAnswer("HTTP/1.1 200 OK"));
        assertThrows(HealthProbe.MalformedAnswerException.class,
                () -> HealthProbe.parseAnswer("SSH-2.0-OpenSSH_9.2\r\n"));
    }

    @Test
    void theOverallStatusIsTheFirstStatusThatIsAWord() {
        assertEquals("UP", HealthProbe.overallStatus("{\"status\":\"UP\",\"checks\":[]}"));
        assertEquals("DOWN",
                HealthProbe.overallStatus("{ \"status\" :\n \"DOWN\", \"checks\": [{\"status\":\"UP\"}]}"));
        assertEquals("UP", HealthProbe.overallStatus("{\"status\":\"not a word\",\"x\":{\"status\":\"UP\"}}"));
        assertEquals("", HealthProbe.overallStatus("{\"status\":42}"));
        assertEquals("", HealthProbe.overallStatus("{\"status\":\"UP"), "unterminated");
        assertEquals("", HealthProbe.overallStatus("{\"status\":\"\"}"), "empty is not a word");
        assertEquals("", HealthProbe.overallStatus(""));
    }

    @Test
    void downChecksAreTheNamesFollowedByStatusDown() {
        String ready = """
                {"status":"DOWN","checks":[{"name":"database","status":"DOWN","data":{"reason":"unreachable"}},\
                {"name":"pool","status":"UP"},{"name" : "schema" ,
                 "status" :  "DOWN"}]}""";
        assertEquals(List.of("database", "schema"), HealthProbe.downChecks(ready));
        assertEquals(List.of(),
                HealthProbe.downChecks("{\"status\":\"UP\",\"checks\":[{\"name\":\"alive\",\"status\":\"UP\"}]}"));
        assertEquals(List.of(), HealthProbe.downChecks("{\"name\":\"x\",\"data\":{},\"status\":\"DOWN\"}"),
                "status must follow the name");
        assertEquals(List.of(), HealthProbe.downChecks("{\"name\":\"" + "n".repeat(101) + "\",\"status\":\"DOWN\"}"),
                "names over 100 characters are not reported");
        assertEquals(List.of("n".repeat(100)),
                HealthProbe.downChecks("{\"name\":\"" + "n".repeat(100) + "\",\"status\":\"DOWN\"}"));
        assertEquals(List.of(), HealthProbe.downChecks("{\"name\":\"\",\"status\":\"DOWN\"}"), "an empty name");
        assertEquals(List.of(), HealthProbe.downChecks("{\"name\":\"x\",\"status\":\"DOWNSTREAM\"}"));
        assertEquals(List.of(), HealthProbe.downChecks("{\"name\":\"x\",\"status\":\"DOWN"), "unterminated");
    }

    @Test
    void oneLineDescribesTheAnswer() {
        String body = "{\"status\":\"DOWN\",\"checks\":[{\"name\":\"database\",\"status\":\"DOWN\"},"
                + "{\"name\":\"schema\",\"status\":\"DOWN\"}]}";
        assertEquals("UNHEALTHY HTTP 503 DOWN (down: database, schema) 127.0.0.1:9000/q/health/ready in 12 ms",
                HealthProbe.describe(new HealthProbe.Answer(503, body), "127.0.0.1:9000/q/health/ready", 12));
        assertEquals("HEALTHY HTTP 200 UP h:1/ in 0 ms",
                HealthProbe.describe(new HealthProbe.Answer(200, "{\"status\":\"UP\"}"), "h:1/", 0));
        assertEquals("UNHEALTHY HTTP 404 h:1/ in 3 ms",
                HealthProbe.describe(new HealthProbe.Answer(404, "Not Found"), "h:1/", 3));
    }

    @Test
    void theProbeLinksNoRegexNoStringConcatenationAndNoLambda() throws IOException, URISyntaxException {
        Path probe = Path.of(HealthProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("io/creditrobot/probe");
        List<Path> classes;
        try (Stream<Path> files = Files.list(probe)) {
            classes = files.filter(f -> f.toString().endsWith(".class")).toList();
        }
        assertTrue(classes.size() >= 3, "the probe's classes: " + classes);
        for (Path file : classes) {
            assertLinksNothingSlow(file.getFileName().toString(), Files.readAllBytes(file));
        }
        try (InputStream main = CreditRobotMain.class.getResourceAsStream("CreditRobotMain.class")) {
            assertLinksNothingSlow("CreditRobotMain.class", main.readAllBytes());
        }
    }

    /** Class-file constant pools name what they link in plain modified UTF-8. */
    private static void assertLinksNothingSlow(String name, byte[] classFile) {
        String constants = new String(classFile, StandardCharsets.ISO_8859_1);
        for (String slow : List.of("java/util/regex/", "java/lang/invoke/StringConcatFactory",
                "java/lang/invoke/LambdaMetafactory")) {
            assertFalse(constants.contains(slow), name + " links " + slow);
        }
    }
}
