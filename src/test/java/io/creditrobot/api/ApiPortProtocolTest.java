package io.creditrobot.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.creditrobot.testsupport.Http;
import io.creditrobot.testsupport.ManagementPortResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * The API port speaks HTTP/1.1 only: cleartext HTTP/2, by prior knowledge or by upgrade, is never accepted, so the
 * stream floods of issue 34 (zero-window streams, no SETTINGS ACK, 60,000 streams on one connection) have nothing to
 * open. What the server answers instead is a plain-text 400 or a closed connection, never an HTTP/2 frame.
 */
@QuarkusTest
class ApiPortProtocolTest {

    /** The client connection preface of RFC 9113, then a SETTINGS frame with SETTINGS_INITIAL_WINDOW_SIZE = 0. */
    private static final byte[] H2C_PRIOR_KNOWLEDGE;

    static {
        byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] settings = {0, 0, 6, 4, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0};
        H2C_PRIOR_KNOWLEDGE = new byte[preface.length + settings.length];
        System.arraycopy(preface, 0, H2C_PRIOR_KNOWLEDGE, 0, preface.length);
        System.arraycopy(settings, 0, H2C_PRIOR_KNOWLEDGE, preface.length, settings.length);
    }

    @Test
    void anHttp2PrefaceIsRefusedAsHttp1AndNoHttp2FrameIsEverSent() throws IOException {
        String reply = exchange(H2C_PRIOR_KNOWLEDGE);
        // With h2c on, the server's first bytes would be its SETTINGS frame (a 9-byte binary header, type 4). With h2c
        // off, Vert.x's HTTP/1.x codec reads the preface as a request line of version 2.0 and refuses it as text.
        assertTrue(reply.isEmpty() || reply.matches("(?s)HTTP/[12]\\.[01] 400 .*"),
                "not a plain-text refusal: " + printable(reply));
        assertProbesAnswer();
    }

    @Test
    void anH2cUpgradeIsIgnoredAndAnsweredAsHttp1() throws IOException {
        String reply = exchange(("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                + "Upgrade: h2c\r\nHTTP2-Settings: AAQAAAAA\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertTrue(reply.startsWith("HTTP/1.1 200"), printable(reply));
        assertFalse(reply.contains("101") && reply.toLowerCase().contains("upgrade: h2c"), printable(reply));
        assertProbesAnswer();
    }

    /**
     * A client that pipelines as many requests as {@code creditrobot.http.max-pipelined-requests} allows, in one
     * write, and reads, gets every answer in order: the server stops reading while they wait and resumes as they are
     * answered. Requests alternate between one answered 200 and one answered 401, so a lost, doubled or reordered
     * answer shows.
     */
    @Test
    void pipelinedRequestsPastTheLimitAreAllAnsweredInOrder() throws IOException {
        int count = ConfigProvider.getConfig().getValue("creditrobot.http.max-pipelined-requests", Integer.class);
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < count; i++) {
            requests.append(i % 2 == 0 ? "GET /health" : "GET /api/applications").append(" HTTP/1.1\r\nHost: localhost\r\n\r\n");
        }
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(requests.toString().getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            for (int i = 0; i < count; i++) {
                assertEquals(i % 2 == 0 ? 200 : 401, readResponse(in), "answer " + i);
            }
        }
    }

    /** One HTTP/1.1 response with a Content-Length: its status; the body is skipped. */
    private static int readResponse(InputStream in) throws IOException {
        String status = readLine(in);
        int length = 0;
        for (String header = readLine(in); !header.isEmpty(); header = readLine(in)) {
            if (header.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(header.substring("content-length:".length()).trim());
            }
        }
        assertEquals(length, in.readNBytes(length).length, "body of " + status);
        return Integer.parseInt(status.split(" ")[1]);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed after: " + line);
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private static void assertProbesAnswer() {
        assertEquals(200, Http.get(ManagementPortResource.url("/q/health/live")).status());
        assertEquals(200, RestAssured.given().get("/health").statusCode());
    }

    /** Writes {@code request} and reads what arrives within 2 s, or until the server closes the connection. */
    private static String exchange(byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            try {
                for (int n; reply.size() < 65536 && (n = in.read(buffer)) > 0;) {
                    reply.write(buffer, 0, n);
                    if (reply.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                        break;
                    }
                }
            } catch (SocketTimeoutException | java.net.SocketException e) {
                // nothing more within the deadline, or the server reset the connection: what arrived is the answer
            }
            return reply.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static String printable(String reply) {
        return reply.chars().limit(200).mapToObj(c -> c >= 32 && c < 127 ? String.valueOf((char) c)
                : String.format("\\x%02x", c)).reduce("", String::concat);
    }
}
