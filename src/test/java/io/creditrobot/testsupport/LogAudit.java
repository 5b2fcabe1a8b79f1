package io.creditrobot.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads logs the application wrote and finds what must never be there: an e-mail address (every application
 * carries one, so a logged request body or entity shows as one), an access token (a JWT), the test databases'
 * passwords (all end in {@link #PASSWORD_MARKER}) and the operator's password or its Basic credentials. Detection
 * only: a finding names the file, the line and the kind, never the text it found, so a report never repeats it.
 *
 * <p>
 * Uses nothing but the JDK and compile-time constants, so a script can run it from {@code target/test-classes}:
 * {@code java -cp target/test-classes io.creditrobot.testsupport.LogAudit FILE...} (exit 1 on a finding).
 */
public final class LogAudit {

    /** The end of every password {@link TestDatabase} gives the application's role. */
    public static final String PASSWORD_MARKER = "-NeverLogMe";

    /** What the suite's logs hold: every {@code *.log} file in {@code target/} and in {@code target/logs/}. */
    public static final Path TARGET = Path.of("target");
    /** Logs kept for the audit: every test app's, one file per launch (see {@link PackagedApp}). */
    public static final Path KEPT = TARGET.resolve("logs");

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
    /** A JWT: a base64url JSON header ({@code {"} encodes as {@code eyJ}), a payload and a signature. */
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{6,}\\.[A-Za-z0-9_-]{6,}\\.");
    private static final String OPERATOR_BASIC = Base64.getEncoder()
            .encodeToString((Tokens.OPERATOR + ":" + Tokens.OPERATOR_PASSWORD).getBytes(StandardCharsets.UTF_8));

    /** One line that carries what must not be logged. */
    public record Finding(Path file, int line, String kind) {
        @Override
        public String toString() {
            return file + ":" + line + " " + kind;
        }
    }

    private LogAudit() {
    }

    /** Every finding in the file, in line order. */
    public static List<Finding> scan(Path file) {
        List<Finding> findings = new ArrayList<>();
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            int[] number = { 0 };
            lines.forEach(line -> {
                number[0]++;
                String kind = kindOf(line);
                if (kind != null) {
                    findings.add(new Finding(file, number[0], kind));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return findings;
    }

    /** The suite's log files: {@code target/*.log} (the last {@code @QuarkusIntegrationTest} launch) and all kept. */
    public static List<Path> suiteLogs() {
        List<Path> logs = new ArrayList<>();
        for (Path dir : List.of(TARGET, KEPT)) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().contains(".log"))
                            .sorted().forEach(logs::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return logs;
    }

    private static String kindOf(String line) {
        if (EMAIL.matcher(line).find()) {
            return "an e-mail address";
        }
        if (JWT.matcher(line).find()) {
            return "an access token (JWT)";
        }
        if (line.contains(PASSWORD_MARKER)) {
            return "a database password";
        }
        if (line.contains(Tokens.OPERATOR_PASSWORD) || line.contains(OPERATOR_BASIC)) {
            return "the operator's password";
        }
        return null;
    }

    /** Scans the files given (a script's logs); prints every finding; exit status 1 when there is one. */
    public static void main(String[] args) {
        List<Finding> findings = new ArrayList<>();
        for (String file : args) {
            findings.addAll(scan(Path.of(file)));
        }
        findings.forEach(f -> System.out.println("log audit: " + f));
        System.out.println("log audit: " + args.length + " files, " + findings.size() + " findings");
        System.exit(findings.isEmpty() ? 0 : 1);
    }
}
