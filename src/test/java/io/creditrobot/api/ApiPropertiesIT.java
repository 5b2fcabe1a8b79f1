package io.creditrobot.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.math.BigDecimal;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.creditrobot.testsupport.Http;
import io.creditrobot.testsupport.PackagedApp;
import io.creditrobot.testsupport.TestDatabase;
import io.creditrobot.testsupport.Tokens;

/**
 * Property-based tests of the API's contract, against the packaged jar and a real PostgreSQL: generated bodies
 * (valid, boundary, wrong type, missing, null, extra, huge, unicode, control characters, broken JSON) are never
 * answered 5xx; a valid one is stored, readable and listed exactly once; a refused one stores nothing and names
 * exactly its bad fields; the same Idempotency-Key with the same body never creates a second row, also when sent
 * concurrently, and with another body answers 409. QuickTheories generates the cases from a fixed seed (every run
 * tries the same ones) and shrinks a failing one to a minimal body before reporting it.
 */
class ApiPropertiesIT {

    static final long SEED = 20261201L;
    static final int MAX_BODY = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final AtomicLong TRIES = new AtomicLong();

    private static TestDatabase db;
    private static PackagedApp app;

    /** One field's generated JSON value ({@code null}: the field is left out) and whether it is a bad one. */
    record Field(String json, boolean bad) {
    }

    /** A generated body: the JSON text, the fields a 400 must name (empty: a valid body), and whether it parses. */
    record Body(String json, Set<String> badFields, boolean wellFormed) {
        @Override
        public String toString() {
            return (json.length() > 300 ? json.substring(0, 300) + "…(" + json.length() + " chars)" : json)
                    + " bad=" + badFields + (wellFormed ? "" : " malformed");
        }
    }

    @BeforeAll
    static void start() throws IOException {
        db = TestDatabase.create();
        // The service's own code logs at DEBUG too, so that personal data at any level would show (see stop()).
        app = PackagedApp.launch("api-properties", db, Map.of("quarkus.log.category.\"io.creditrobot\".level",
                "DEBUG"));
        await("ready").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> Http.get(app.managementUrl("/q/health/ready")).status() == 200);
    }

    /**
     * After every generated request (valid, hostile and malformed bodies): no line the service logged, at any level,
     * holds personal data. Every generated e-mail ends in {@code .example} and every listed one is
     * {@code listed@example.com}; a body echoed whole would show its field names.
     */
    @AfterAll
    static void stop() throws Exception {
        System.out.printf("api properties: %d generated requests answered%n", TRIES.get());
        if (app != null) {
            List<String> personal = app.log().lines().filter(line -> line.matches(".*@[A-Za-z0-9.-]*example.*")
                    || line.contains("applicantName") || line.contains("annualIncome") || line.contains("monthlyDebt")
                    || line.contains("Listed ")).toList();
            app.close();
            assertEquals(List.of(), personal, "log lines with personal data");
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void anyBodyIsAnsweredWithout5xxAndAValidOneIsStoredWhileARefusedOneNamesExactlyItsBadFields() {
        qt().withFixedSeed(SEED).withExamples(400).withShrinkCycles(100).forAll(bodies())
                .checkAssert(body -> unchecked(() -> answersWithout5xx(body)));
    }

    private void answersWithout5xx(Body body) throws Exception {
        long rowsBefore = rows();
        HttpResponse<String> answer = post(body.json(), null);
        TRIES.incrementAndGet();
        int status = answer.statusCode();
        assertTrue(status < 500, "never 5xx: " + status + " " + answer.body());
        if (body.json().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_BODY) {
            assertEquals(413, status, answer.body());
            assertEquals(rowsBefore, rows(), "a refused request stores nothing");
        } else if (!body.wellFormed()) {
            assertEquals(400, status, answer.body());
            assertEquals(rowsBefore, rows(), "a refused request stores nothing");
        } else if (body.badFields().isEmpty()) {
            assertEquals(201, status, "a valid body is accepted: " + answer.body());
            String id = JSON.readTree(answer.body()).path("id").asText();
            HttpResponse<String> read = get("/api/applications/" + id);
            assertEquals(200, read.statusCode(), read.body());
            assertEquals(1, db.queryForLong("SELECT count(*) FROM credit_application WHERE id = '" + id + "'"));
        } else {
            assertEquals(400, status, answer.body());
            Set<String> named = new TreeSet<>();
            JSON.readTree(answer.body()).path("violations").forEach(v -> named.add(v.path("field").asText()));
            assertEquals(new TreeSet<>(body.badFields()), named, "names exactly the bad fields: " + answer.body());
            assertEquals(rowsBefore, rows(), "a refused request stores nothing");
        }
    }

    @Test
    void theSameKeyAndBodyNeverCreateASecondRowAndAnotherBodyConflicts() {
        qt().withFixedSeed(SEED).withExamples(40).withShrinkCycles(20)
                .forAll(validBodies(), Generate.range(2, 5), Generate.booleans())
                .checkAssert((body, sends, concurrently) -> unchecked(() -> idempotent(body, sends, concurrently)));
    }

    private void idempotent(String body, int sends, boolean concurrently) throws Exception {
        String key = UUID.randomUUID().toString();
        List<HttpResponse<String>> answers = new ArrayList<>();
        if (concurrently) {
            List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
            for (int i = 0; i < sends; i++) {
                inFlight.add(CLIENT.sendAsync(request(body, key), HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> f : inFlight) {
                answers.add(f.get(30, TimeUnit.SECONDS));
            }
        } else {
            for (int i = 0; i < sends; i++) {
                answers.add(post(body, key));
            }
        }
        Set<String> ids = new HashSet<>();
        for (HttpResponse<String> answer : answers) {
            assertEquals(201, answer.statusCode(), answer.body());
            ids.add(JSON.readTree(answer.body()).path("id").asText());
        }
        assertEquals(1, ids.size(), "every send answers with the one stored application");
        assertEquals(1, db.queryForLong("SELECT count(*) FROM credit_application WHERE idempotency_key = '" + key + "'"));

        String other = body.replaceFirst("\"monthlyDebt\":[^,}]+", "\"monthlyDebt\":123.45");
        if (other.equals(body)) {
            other = body.replaceFirst("\"monthlyDebt\":[^,}]+", "\"monthlyDebt\":123.46");
        }
        HttpResponse<String> conflict = post(other, key);
        assertEquals(409, conflict.statusCode(), "the same key with another body is a conflict: " + conflict.body());
        TRIES.addAndGet(sends + 1);
    }

    @Test
    void everyStoredApplicationIsListedExactlyOnce() throws Exception {
        for (int i = 0; i < 7; i++) {
            String body = "{\"applicantName\":\"Listed " + i + "\",\"email\":\"listed@example.com\",\"amount\":5000,"
                    + "\"termMonths\":24,\"annualIncome\":80000,\"monthlyDebt\":0}";
            assertEquals(201, post(body, null).statusCode());
        }
        List<String> listed = new ArrayList<>();
        String cursor = null;
        // Bounded: one page more than the rows need.
        for (long page = 0, pages = rows() / 100 + 2; page < pages; page++) {
            JsonNode answer = JSON.readTree(get("/api/applications?size=100"
                    + (cursor == null ? "" : "&cursor=" + cursor)).body());
            answer.path("items").forEach(item -> listed.add(item.path("id").asText()));
            JsonNode next = answer.path("nextCursor");
            cursor = next.isTextual() ? next.asText() : null;
            if (cursor == null) {
                break;
            }
        }
        assertEquals(listed.size(), new HashSet<>(listed).size(), "no application listed twice");
        assertEquals(new HashSet<>(db.queryForStrings("SELECT id::text FROM credit_application")),
                new HashSet<>(listed), "every stored application is listed");
    }

    // ---- generators -------------------------------------------------------------------------------------------

    /** Mostly objects whose six fields are each valid, boundary, or bad in one of many ways; some broken JSON. */
    static Gen<Body> bodies() {
        Gen<List<Field>> first = name().zip(email(), money("0.01", "1000000"), (a, b, c) -> List.of(a, b, c));
        Gen<List<Field>> second = term().zip(money("0.01", "100000000"), money("0", "10000000"),
                (a, b, c) -> List.of(a, b, c));
        Gen<Body> objects = first.zip(second, extra(), (a, b, extra) -> {
            Map<String, Field> fields = new LinkedHashMap<>();
            List<Field> all = new ArrayList<>(a);
            all.addAll(b);
            for (int i = 0; i < FIELDS.size(); i++) {
                fields.put(FIELDS.get(i), all.get(i));
            }
            if (!extra.isEmpty()) {
                fields.put(extra, new Field("1", true));
            }
            return object(fields);
        });
        return Generate.frequency(Pair.of(12, objects), Pair.of(1, malformed()));
    }

    static Gen<String> validBodies() {
        Gen<String> names = validName().zip(validEmail(), (n, e) -> "{\"applicantName\":" + quote(n) + ",\"email\":"
                + quote(e));
        return names.zip(validMoney("0.01", "1000000"), Generate.range(6, 360), validMoney("0.01", "100000000"),
                validMoney("0", "10000000"), (head, amount, term, income, debt) -> head + ",\"amount\":" + amount
                        + ",\"termMonths\":" + term + ",\"annualIncome\":" + income + ",\"monthlyDebt\":" + debt
                        + "}");
    }

    private static final List<String> FIELDS = List.of("applicantName", "email", "amount", "termMonths",
            "annualIncome", "monthlyDebt");

    private static Body object(Map<String, Field> fields) {
        StringBuilder json = new StringBuilder("{");
        Set<String> bad = new TreeSet<>();
        fields.forEach((name, field) -> {
            if (field.bad()) {
                bad.add(name);
            }
            if (field.json() != null) {
                json.append(json.length() > 1 ? "," : "").append(quote(name)).append(':').append(field.json());
            }
        });
        return new Body(json.append('}').toString(), bad, true);
    }

    private static Gen<Body> malformed() {
        return validBodies().zip(Generate.range(0, 7), (valid, variant) -> switch (variant) {
            case 0 -> valid.replace("}", ",\"amount\":1}"); // duplicate key
            case 1 -> valid + " {}"; // a second document
            case 2 -> valid + "garbage";
            case 3 -> valid.substring(0, valid.length() / 2); // truncated
            case 4 -> "[" + valid + "]"; // not an object
            case 5 -> "\"just a string\"";
            case 6 -> "42";
            default -> "";
        }).map(json -> new Body(json, Set.of(), false));
    }

    private static Gen<Field> valid(Gen<String> json) {
        return json.map(j -> new Field(j, false));
    }

    private static Gen<Field> bad(String... json) {
        return Generate.pick(List.of(json)).map(j -> new Field(j, true));
    }

    private static Gen<Field> missing() {
        return Generate.constant(new Field(null, true));
    }

    private static Gen<String> validName() {
        List<String> pieces = List.of("a", "Zoë", " ", "-", "'", "ß", "Ø", "李", "Ω", "ж", "ع", "😀", "👩‍💻", "Lovelace");
        return lists().of(Generate.pick(pieces)).ofSizeBetween(0, 8).map(l -> "X" + String.join("", l));
    }

    private static Gen<Field> name() {
        return Generate.frequency(
                Pair.of(10, valid(validName().map(ApiPropertiesIT::quote))),
                Pair.of(1, Generate.constant(new Field("\"" + "n".repeat(200) + "\"", false))),
                Pair.of(1, bad("\"" + "n".repeat(201) + "\"")),
                Pair.of(2, bad("\"A\\u0000B\"", "\"Tab\\there\"", "\"line\\nbreak\"", "\"\\u0007bell\"",
                        "\"lone \\ud800 surrogate\"", "\"   \"", "\"\"", "\"\\u2003\"")),
                Pair.of(1, bad("42", "true", "[]", "{}", "null")),
                // Unicode categories that show nothing (formatting, combining, fillers, blank braille) or make a
                // name display as another (bidi overrides and isolates): the second pass's findings.
                Pair.of(2, invisibleName().map(n -> new Field(quote(n), true))),
                Pair.of(1, validName().zip(Generate.pick(List.of("\u202E", "\u202D", "\u2066", "\u2067", "\u200F")),
                        (n, bidi) -> new Field(quote(n + bidi + "lihsam"), true))),
                Pair.of(1, missing()),
                // A huge body: refused with 413 before it is read.
                Pair.of(1, bad("\"" + "h".repeat(70_000) + "\"")));
    }

    /** One to six characters none of which shows: a name made of them must be refused. */
    private static Gen<String> invisibleName() {
        List<String> invisible = List.of("\u200B", "\uFEFF", "\u00AD", "\u034F", "\u3164", "\u2800", "\u2060",
                "\u180E", "\u115F", "\u200D", " ");
        return lists().of(Generate.pick(invisible)).ofSizeBetween(1, 6).map(l -> String.join("", l));
    }

    private static Gen<String> validEmail() {
        Gen<String> part = strings().betweenCodePoints('a', 'z').ofLengthBetween(1, 20);
        return part.zip(part, (local, domain) -> local + "@" + domain + ".example");
    }

    private static Gen<Field> email() {
        return Generate.frequency(
                Pair.of(10, valid(validEmail().map(ApiPropertiesIT::quote))),
                Pair.of(1, bad("\"no-at-sign\"", "\"a\\u0000@b.example\"", "\"\"",
                        "\"" + "e".repeat(250) + "@x.example\"", "\"a@b\"", "\"a@b.\"", "\"a@.b\"",
                        "\"a\\u200B@b.example\"")),
                Pair.of(1, bad("1", "false", "null")),
                Pair.of(1, missing()));
    }

    private static Gen<String> validMoney(String min, String max) {
        long low = new BigDecimal(min).movePointRight(2).longValueExact();
        long high = new BigDecimal(max).movePointRight(2).longValueExact();
        return Generate.longRange(low, high).map(cents -> BigDecimal.valueOf(cents, 2).stripTrailingZeros()
                .toPlainString());
    }

    /** A money field with inclusive bounds {@code min} and {@code max} (a minimum of 0.01 means "above 0"). */
    private static Gen<Field> money(String min, String max) {
        BigDecimal low = new BigDecimal(min);
        BigDecimal high = new BigDecimal(max);
        BigDecimal cent = new BigDecimal("0.01");
        return Generate.frequency(
                Pair.of(10, valid(validMoney(min, max))),
                Pair.of(2, valid(Generate.pick(List.of(low.toPlainString(), high.toPlainString(),
                        high.setScale(2).toPlainString())))),
                Pair.of(2, bad(low.subtract(cent).toPlainString(), high.add(cent).toPlainString(), "1.001", "-5",
                        "1e400", "99999999999999999999999")),
                // Number extremes: exponents and scales no decimal can hold, and ones it can but the column cannot.
                Pair.of(2, bad("1e9999999999", "-1e-9999999999", "0e-2147483648", "1e2147483648", "1e-400",
                        "-1e-2147483647", "9e999999999")),
                Pair.of(1, bad("\"5000\"", "true", "[]", "null")),
                Pair.of(1, missing()));
    }

    private static Gen<Field> term() {
        return Generate.frequency(
                Pair.of(10, valid(Generate.range(6, 360).map(i -> Integer.toString(i)))),
                Pair.of(2, valid(Generate.pick(List.of("6", "360")))),
                Pair.of(2, bad("5", "361", "0", "-12", "36.9", "36.0", "1e2", "99999999999", "\"36\"", "null")),
                Pair.of(1, bad("1e9999999999", "0e-2147483648", "-1e-9999999999", "1e400")),
                Pair.of(1, missing()));
    }

    /** Usually no extra field (empty); sometimes one the request does not have. */
    private static Gen<String> extra() {
        return Generate.frequency(Pair.of(12, Generate.constant("")),
                Pair.of(1, Generate.pick(List.of("extra", "monthlyDebts", "ApplicantName", "id"))));
    }

    private interface Check {
        void run() throws Exception;
    }

    /** QuickTheories' checks take no checked exceptions. */
    private static void unchecked(Check check) {
        try {
            check.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- HTTP and database ------------------------------------------------------------------------------------

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long rows() {
        return db.queryForLong("SELECT count(*) FROM credit_application");
    }

    private static HttpRequest request(String body, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.url("/api/applications")))
                .header("Content-Type", "application/json").header("Authorization", Tokens.bearer())
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return request.build();
    }

    private static HttpResponse<String> post(String body, String key) throws Exception {
        return CLIENT.send(request(body, key), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(app.url(path))).timeout(Duration.ofSeconds(20))
                .header("Authorization", Tokens.bearer()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
