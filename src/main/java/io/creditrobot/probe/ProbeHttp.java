package io.creditrobot.probe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The probe's HTTP/1.1 client: one GET, and the answer read as HTTP frames it (interim 1xx answers skipped; the body
 * by {@code Content-Length}, by chunks, or to the end of the connection), so a kept-alive connection never makes it
 * wait for a close, and an answer cut short is never taken for a whole one. The whole exchange fits in the timeout.
 * Limits: 16 KiB of status line and headers, 1 MiB of body.
 */
final class ProbeHttp {

    static final int MAX_HEAD = 16 * 1024;
    static final int MAX_BODY = 1024 * 1024;

    private ProbeHttp() {
    }

    /** A complete answer: the status code and the whole body. */
    record Answer(int status, String body) {
    }

    /** The peer's bytes are not a complete HTTP/1.x answer within the limits. */
    static final class MalformedAnswerException extends IOException {
        MalformedAnswerException(String message) {
            super(message);
        }
    }

    static Answer get(ProbeTarget target) throws IOException {
        long deadline = System.nanoTime() + target.timeoutMs() * 1_000_000;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(target.host(), target.port()), (int) target.timeoutMs());
            OutputStream request = socket.getOutputStream();
            request.write(new StringBuilder(160).append("GET ").append(target.path()).append(" HTTP/1.1\r\nHost: ")
                    .append(target.host()).append(':').append(target.port())
                    .append("\r\nAccept: application/json\r\nUser-Agent: creditrobot-healthcheck")
                    .append("\r\nConnection: close\r\n\r\n")
                    .toString().getBytes(StandardCharsets.US_ASCII));
            request.flush();
            return read(new DeadlineInput(socket, deadline));
        }
    }

    /** Reads one answer from {@code in}: its final status line, headers and body. */
    static Answer read(InputStream in) throws IOException {
        for (int interim = 0; interim < 10; interim++) {
            String head = head(in);
            int lineEnd = head.indexOf("\r\n");
            int status = statusCode(lineEnd < 0 ? head : head.substring(0, lineEnd));
            if (status < 0) {
                throw new MalformedAnswerException(head.isEmpty() ? "empty" : "no HTTP status line");
            }
            if (status == 101) {
                throw new MalformedAnswerException("switching protocols");
            }
            if (status >= 100 && status < 200) {
                continue; // 100 Continue, 102, 103: the final answer follows
            }
            if (status == 204 || status == 304) {
                return new Answer(status, "");
            }
            String headers = head.toLowerCase(Locale.ROOT);
            String encoding = header(headers, "transfer-encoding");
            if (encoding != null) {
                if (!encoding.endsWith("chunked")) {
                    throw new MalformedAnswerException("unknown transfer encoding");
                }
                return new Answer(status, chunked(in));
            }
            String length = header(headers, "content-length");
            return new Answer(status, length != null ? exactly(in, contentLength(length)) : toEnd(in));
        }
        throw new MalformedAnswerException("more than 10 interim answers");
    }

    /** The code of {@code HTTP/1.0 200} or {@code HTTP/1.1 503 Service Unavailable}, or -1 for any other line. */
    static int statusCode(String line) {
        boolean version = line.startsWith("HTTP/1.0 ") || line.startsWith("HTTP/1.1 ");
        if (!version || line.length() < 12 || (line.length() > 12 && line.charAt(12) != ' ')
                || line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
            return -1;
        }
        int code = 0;
        for (int i = 9; i < 12; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            code = code * 10 + (c - '0');
        }
        return code;
    }

    /** The status line and headers, up to and without the empty line that ends them. */
    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new MalformedAnswerException(head.size() == 0 ? "empty" : "headers cut short");
            }
            if (head.size() >= MAX_HEAD) {
                throw new MalformedAnswerException("headers over 16 KiB");
            }
            head.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - 4);
    }

    /** The value of the last header {@code name} (lower case) in {@code headers} (lower case), or null. */
    private static String header(String headers, String name) {
        String value = null;
        for (int at = headers.indexOf("\r\n"); at >= 0; at = headers.indexOf("\r\n", at + 2)) {
            int start = at + 2;
            if (headers.startsWith(name, start) && headers.startsWith(":", start + name.length())) {
                int end = headers.indexOf("\r\n", start);
                value = headers.substring(start + name.length() + 1, end < 0 ? headers.length() : end).trim();
            }
        }
        return value;
    }

    private static int contentLength(String value) throws MalformedAnswerException {
        if (value.isEmpty() || value.length() > 7) {
            throw new MalformedAnswerException("bad Content-Length");
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                throw new MalformedAnswerException("bad Content-Length");
            }
        }
        int length = Integer.parseInt(value);
        if (length > MAX_BODY) {
            throw new MalformedAnswerException("body over 1 MiB");
        }
        return length;
    }

    private static String exactly(InputStream in, int length) throws IOException {
        byte[] body = new byte[length];
        int read = 0;
        while (read < length) {
            int n = in.read(body, read, length - read);
            if (n < 0) {
                throw new MalformedAnswerException("body shorter than its Content-Length");
            }
            read += n;
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    private static String toEnd(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0;) {
            body.write(buffer, 0, n);
            if (body.size() > MAX_BODY) {
                throw new MalformedAnswerException("body over 1 MiB");
            }
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    private static String chunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            int size = chunkSize(in);
            if (size == 0) {
                trailers(in);
                return body.toString(StandardCharsets.UTF_8);
            }
            if (body.size() + size > MAX_BODY) {
                throw new MalformedAnswerException("body over 1 MiB");
            }
            body.write(exactly(in, size).getBytes(StandardCharsets.UTF_8));
            if (in.read() != '\r' || in.read() != '\n') {
                throw new MalformedAnswerException("bad chunk");
            }
        }
    }

    /** A chunk-size line: hex digits, optional extensions, CRLF. */
    private static int chunkSize(InputStream in) throws IOException {
        int size = 0;
        int digits = 0;
        boolean extension = false;
        for (int length = 0; length < 1024; length++) {
            int b = in.read();
            if (b < 0) {
                throw new MalformedAnswerException("body cut short");
            }
            if (b == '\r') {
                if (in.read() != '\n' || digits == 0) {
                    throw new MalformedAnswerException("bad chunk");
                }
                return size;
            }
            int digit = Character.digit(b, 16);
            if (!extension && digit >= 0) {
                if (++digits > 6) {
                    throw new MalformedAnswerException("body over 1 MiB");
                }
                size = size * 16 + digit;
            } else if (b == ';' && digits > 0) {
                extension = true;
            } else if (!extension) {
                throw new MalformedAnswerException("bad chunk");
            }
        }
        throw new MalformedAnswerException("bad chunk");
    }

    private static void trailers(InputStream in) throws IOException {
        int matched = 2; // the last chunk's CRLF counts as the first half of the end
        for (int length = 0; matched < 4; length++) {
            int b = in.read();
            if (b < 0 || length > MAX_HEAD) {
                throw new MalformedAnswerException("body cut short");
            }
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
        }
    }

    /** The socket's input, each read bounded by what is left of the exchange's deadline. */
    private static final class DeadlineInput extends InputStream {
        private final Socket socket;
        private final InputStream in;
        private final long deadline;
        private final byte[] buffer = new byte[8192];
        private int position;
        private int limit;

        DeadlineInput(Socket socket, long deadline) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.deadline = deadline;
        }

        @Override
        public int read() throws IOException {
            if (position == limit && !fill()) {
                return -1;
            }
            return buffer[position++] & 0xFF;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (position == limit && !fill()) {
                return -1;
            }
            int n = Math.min(length, limit - position);
            System.arraycopy(buffer, position, into, offset, n);
            position += n;
            return n;
        }

        private boolean fill() throws IOException {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new SocketTimeoutException();
            }
            socket.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
            int n = in.read(buffer);
            if (n < 0) {
                return false;
            }
            position = 0;
            limit = n;
            return true;
        }
    }
}
