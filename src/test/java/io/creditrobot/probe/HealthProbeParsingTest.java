package io.creditrobot.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
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
        assertEquals(200, read("HTTP/1.1 200 OK\r\n\r\n{}").status());
        assertEquals(503, read("HTTP/1.0 503\r\nX: y\r\n\r\n").status());
        assertEquals("{\"status\":\"UP\"}",
                read("HTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\n{\"status\":\"UP\"}").body());
        for (String line : List.of("HTTP/2 200 OK", "HTTP/1.1 20 OK", "HTTP/1.1 2000", "HTTP/1.1 2x0 OK",
                "HTTP/1.1 200OK", "http/1.1 200 OK", "HTTP/1.1  200", "HTTP/1.1 200 O\nK", "")) {
            assertEquals(-1, ProbeHttp.statusCode(line), line);
        }
        for (String cut : List.of("", "HTTP/1.1 200 OK", "HTTP/1.1 204 No Content\r\n", "SSH-2.0-OpenSSH_9.2\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\n{\"status\":",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n")) {
            assertThrows(ProbeHttp.MalformedAnswerException.class, () -> read(cut), cut);
        }
    }

    @Test
    void theBodyIsFramedByContentLengthChunksOrTheEndAndInterimAnswersAreSkipped() throws Exception {
        assertEquals("ab", read("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nabIGNORED").body(),
                "a kept-alive connection: the length ends the body");
        assertEquals("hello world", read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n").body());
        assertEquals("to the end", read("HTTP/1.0 200 OK\r\n\r\nto the end").body());
        assertEquals(503, read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Nope\r\nContent-Length: 0\r\n\r\n")
                .status());
        assertEquals("", read("HTTP/1.1 204 No Content\r\n\r\nnothing is read").body());
    }

    @Test
    void theOverallStatusIsTheFirstStatusThatIsAWord() {
        assertEquals("UP", HealthDocument.overallStatus("{\"status\":\"UP\",\"checks\":[]}"));
        assertEquals("DOWN",
                HealthDocument.overallStatus("{ \"status\" :\n \"DOWN\", \"checks\": [{\"status\":\"UP\"}]}"));
        assertEquals("UP", HealthDocument.overallStatus("{\"status\":\"not a word\",\"x\":{\"status\":\"UP\"}}"));
        assertEquals("", HealthDocument.overallStatus("{\"status\":42}"));
        assertEquals("", HealthDocument.overallStatus("{\"status\":\"UP"), "unterminated");
        assertEquals("", HealthDocument.overallStatus("{\"status\":\"\"}"), "empty is not a word");
        assertEquals("", HealthDocument.overallStatus(""));
    }

    @Test
    void downChecksAreTheNamesFollowedByStatusDown() {
        String ready = """
                {"status":"DOWN","checks":[{"name":"database","status":"DOWN","data":{"reason":"unreachable"}},\
                {"name":"pool","status":"UP"},{"name" : "schema" ,
                 "status" :  "DOWN"}]}""";
        assertEquals(List.of("database", "schema"), HealthDocument.downChecks(ready));
        assertEquals(List.of("database: unreachable", "schema"), HealthDocument.downChecksWithReasons(ready),
                "a reason is its own check's, never the next one's");
        assertEquals(List.of("x", "y: read-only"), HealthDocument.downChecksWithReasons("{\"checks\":[{\"name\":\"x\","
                + "\"status\":\"DOWN\"},{\"name\":\"y\",\"status\":\"DOWN\",\"data\":{\"reason\":\"read-only\"}}]}"));
        assertEquals(List.of("x"), HealthDocument.downChecksWithReasons("{\"name\":\"x\",\"status\":\"DOWN\",\"data\":"
                + "{\"reason\":\"two words\"}}"), "a reason that is not one word is left out");
        assertEquals(List.of(),
                HealthDocument.downChecks("{\"status\":\"UP\",\"checks\":[{\"name\":\"alive\",\"status\":\"UP\"}]}"));
        assertEquals(List.of(), HealthDocument.downChecks("{\"name\":\"x\",\"data\":{},\"status\":\"DOWN\"}"),
                "status must follow the name");
        assertEquals(List.of(), HealthDocument.downChecks("{\"name\":\"" + "n".repeat(101) + "\",\"status\":\"DOWN\"}"),
                "names over 100 characters are not reported");
        assertEquals(List.of("n".repeat(100)),
                HealthDocument.downChecks("{\"name\":\"" + "n".repeat(100) + "\",\"status\":\"DOWN\"}"));
        assertEquals(List.of(), HealthDocument.downChecks("{\"name\":\"\",\"status\":\"DOWN\"}"), "an empty name");
        assertEquals(List.of(), HealthDocument.downChecks("{\"name\":\"x\",\"status\":\"DOWNSTREAM\"}"));
        assertEquals(List.of(), HealthDocument.downChecks("{\"name\":\"x\",\"status\":\"DOWN"), "unterminated");
    }

    @Test
    void oneLineDescribesTheAnswer() {
        String body = "{\"status\":\"DOWN\",\"checks\":[{\"name\":\"database\",\"status\":\"DOWN\",\"data\":"
                + "{\"reason\":\"read-only\"}},{\"name\":\"schema\",\"status\":\"DOWN\"}]}";
        assertEquals("UNHEALTHY HTTP 503 DOWN (down: database: read-only, schema) 127.0.0.1:9000/q/health/ready in 12 ms",
                HealthProbe.describe(new ProbeHttp.Answer(503, body), false, "127.0.0.1:9000/q/health/ready", 12));
        assertEquals("HEALTHY HTTP 200 UP h:1/ in 0 ms",
                HealthProbe.describe(new ProbeHttp.Answer(200, "{\"status\":\"UP\"}"), true, "h:1/", 0));
        assertEquals("UNHEALTHY HTTP 404 h:1/ in 3 ms",
                HealthProbe.describe(new ProbeHttp.Answer(404, "Not Found"), false, "h:1/", 3));
        assertEquals("a?b?c d?", HealthProbe.line("a\u001bb\u0007c\r\nd\u0000"), "printable ASCII only");
    }

    @Test
    void healthyOnlyWhenA200SaysUp() {
        assertTrue(HealthProbe.isHealthy(new ProbeHttp.Answer(200, "{\"status\":\"UP\",\"checks\":[]}")));
        assertFalse(HealthProbe.isHealthy(new ProbeHttp.Answer(200, "{\"status\":\"DOWN\",\"checks\":[]}")));
        assertFalse(HealthProbe.isHealthy(new ProbeHttp.Answer(200, "")));
        assertFalse(HealthProbe.isHealthy(new ProbeHttp.Answer(503, "{\"status\":\"UP\"}")));
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

    private static ProbeHttp.Answer read(String raw) throws IOException {
        return ProbeHttp.read(new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)));
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
