package io.creditrobot.dev;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A minimal OpenID Connect issuer on loopback for dev mode, the test suite and the end-to-end labs, where no Keycloak
 * runs: discovery, a JWKS, and RS256 access tokens for three fixed users. Keys are generated at start (nothing
 * secret is stored anywhere); more can be published ({@link #publishNewKey()}), as a realm key rotation does, and
 * tokens signed with them, while every other token keeps the first key.
 *
 * <p>
 * {@code GET /token?user=alice} answers {@code {"access_token": …}}: alice and bob are applicants, olivia an officer.
 * It is never part of a production setup: {@link DevIssuerConfigSourceFactory} starts it only in dev mode, and
 * production points {@code quarkus.oidc.auth-server-url} at a real issuer (docs/security.md).
 */
public final class DevIssuer implements AutoCloseable {

    /** The audience CreditRobot requires ({@code quarkus.oidc.token.audience}). */
    public static final String AUDIENCE = "creditrobot";
    /** The fixed users and their roles. */
    public static final Map<String, String> USERS = Map.of("alice", "applicant", "bob", "applicant",
            "olivia", "officer");
    static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(30);

    private final HttpServer server;
    private final List<RsaJsonWebKey> published = new ArrayList<>();
    private final RsaJsonWebKey signing;

    private DevIssuer(HttpServer server) throws JoseException {
        this.server = server;
        this.signing = publishNewKey();
        server.createContext("/.well-known/openid-configuration", exchange -> answer(exchange, 200, discovery()));
        server.createContext("/jwks", exchange -> answer(exchange, 200, jwks()));
        server.createContext("/token", this::token);
        server.start();
    }

    /** Starts on 127.0.0.1 at {@code port} (0 for any free port). */
    public static DevIssuer start(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        try {
            return new DevIssuer(server);
        } catch (JoseException e) {
            server.stop(0);
            throw new IOException("Could not generate the issuer's key", e);
        }
    }

    /** {@code java -cp … io.creditrobot.dev.DevIssuer PORT}: runs until killed; prints its issuer URL. */
    public static void main(String[] args) throws IOException {
        DevIssuer issuer = start(Integer.parseInt(args[0]));
        System.out.println(issuer.issuer());
    }

    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * A new key in the JWKS, beside the others (tokens they signed keep verifying); {@link #sign(JwtClaims,
     * RsaJsonWebKey)} signs with it. The default signing key stays the first one, so that applications that cached
     * the JWKS before never see a key id they lack unless a test sends them one.
     */
    public synchronized RsaJsonWebKey publishNewKey() throws JoseException {
        RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
        key.setKeyId("key-" + (published.size() + 1));
        key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
        key.setUse("sig");
        published.add(key);
        return key;
    }

    /** Takes {@code key} out of the JWKS, as an issuer withdraws a compromised or retired key. */
    public synchronized void withdraw(RsaJsonWebKey key) {
        published.removeIf(k -> k.getKeyId().equals(key.getKeyId()));
    }

    /** The claims of a valid access token for {@code subject} with {@code roles}, living {@code lifetime}. */
    public JwtClaims claims(String subject, Duration lifetime, String... roles) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer());
        claims.setAudience(AUDIENCE);
        claims.setSubject(subject);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(lifetime.toSeconds() / 60f);
        claims.setStringListClaim("groups", roles);
        claims.setClaim("preferred_username", subject);
        return claims;
    }

    /** A valid access token for {@code subject} with {@code roles}. */
    public String token(String subject, String... roles) {
        return sign(claims(subject, DEFAULT_LIFETIME, roles));
    }

    /** {@code claims} signed RS256 with the first key, its id in the header. */
    public String sign(JwtClaims claims) {
        return sign(claims, signing);
    }

    /** {@code claims} signed RS256 with {@code key}, its id in the header. */
    public String sign(JwtClaims claims, RsaJsonWebKey key) {
        return signJson(claims.toJson(), key);
    }

    /** A payload written by hand (its JSON escapes kept as written) signed RS256 with the first key. */
    public String signJson(String payload) {
        return signJson(payload, signing);
    }

    private String signJson(String payload, RsaJsonWebKey key) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(payload);
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("Could not sign a token", e);
        }
    }

    /** The first key's public half, as JWK JSON (for tests that forge tokens with it). */
    public String publicJwk() {
        return signing.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        String user = query.getOrDefault("user", "");
        String role = USERS.get(user);
        if (role == null) {
            answer(exchange, 400, "{\"error\":\"invalid_request\",\"error_description\":\"user must be one of "
                    + String.join(", ", USERS.keySet().stream().sorted().toList()) + "\"}");
            return;
        }
        long seconds;
        try {
            seconds = Math.max(1, Long.parseLong(query.getOrDefault("expires_in",
                    String.valueOf(DEFAULT_LIFETIME.toSeconds()))));
        } catch (NumberFormatException e) {
            answer(exchange, 400, "{\"error\":\"invalid_request\",\"error_description\":\"expires_in must be "
                    + "a whole number of seconds\"}");
            return;
        }
        String token = sign(claims(user, Duration.ofSeconds(seconds), role));
        answer(exchange, 200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                + seconds + "}");
    }

    private String discovery() {
        return "{\"issuer\":\"" + issuer() + "\",\"jwks_uri\":\"" + issuer() + "/jwks\",\"token_endpoint\":\""
                + issuer() + "/token\",\"id_token_signing_alg_values_supported\":[\"RS256\"]}";
    }

    private synchronized String jwks() {
        return new JsonWebKeySet(published).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> parameters = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    parameters.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return parameters;
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
