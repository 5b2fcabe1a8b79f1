package io.creditrobot.security;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.oidc.runtime.OidcUtils;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The key ids the issuer withdrew from its JWKS. quarkus-oidc refetches the JWKS only when a token names a key id it
 * lacks, so a key the issuer withdraws keeps verifying newly forged tokens for as long as no token happens to name an
 * unknown one. This fetches the discovery document and the JWKS every
 * {@link VerifiedTokensConfig#keysRefresh()} on a Vert.x timer (one fetch at a time) and remembers every key id it saw
 * published and then no longer: a token naming one is refused ({@link VerifiedTokenReuse}) whether it was verified
 * before or not, so a withdrawn key stops verifying within one refresh and a fetch's timeout. A key id never seen is
 * left to quarkus-oidc (a newly rotated key); a failed fetch, or a JWKS with no key at all, changes nothing (an issuer
 * outage or a half-booted issuer withdraws no key).
 */
@ApplicationScoped
public class PublishedKeys {

    private static final Logger LOG = Logger.getLogger(PublishedKeys.class);

    /** Withdrawn key ids remembered at most: a realm rotates a handful of keys a year. */
    static final int MAX_WITHDRAWN = 256;

    private final Vertx vertx;
    private final VerifiedTokensConfig config;
    private final Optional<String> discovery;
    private final AtomicBoolean fetching = new AtomicBoolean();
    /** Written by the fetch's Vert.x context only, replaced whole. */
    private volatile Set<String> published = Set.of();
    private volatile Set<String> withdrawn = Set.of();
    private IssuerHttp http;

    @Inject
    PublishedKeys(Vertx vertx, VerifiedTokensConfig config,
            @ConfigProperty(name = "quarkus.oidc.auth-server-url") Optional<String> issuer) {
        this.vertx = vertx;
        this.config = config;
        this.discovery = issuer.map(url -> url.replaceAll("/+$", "") + "/.well-known/openid-configuration");
    }

    void start(@Observes StartupEvent event) {
        if (discovery.isEmpty() || config.keysRefresh().isZero()) {
            return;
        }
        http = new IssuerHttp(vertx, config.keysTimeout());
        http.every(config.keysRefresh(), this::fetch);
    }

    /** True when {@code token}'s header names a key id the issuer published and has since withdrawn. */
    boolean withdrawn(String token) {
        Set<String> gone = withdrawn;
        if (gone.isEmpty()) {
            return false;
        }
        JsonObject header = OidcUtils.decodeJwtHeaders(token);
        return header != null && header.getValue("kid") instanceof String kid && gone.contains(kid);
    }

    private void fetch() {
        if (!fetching.compareAndSet(false, true)) {
            return;
        }
        get(discovery.get())
                .compose(document -> get(new JsonObject(document).getString("jwks_uri")))
                .onComplete(result -> {
                    if (result.succeeded()) {
                        record(result.result());
                    } else {
                        LOG.debugf("JWKS not fetched: %s", result.cause().getClass().getName());
                    }
                    fetching.set(false);
                });
    }

    private Future<String> get(String uri) {
        return http.get(uri).compose(reply -> reply.status() == 200 ? Future.succeededFuture(reply.body())
                : Future.failedFuture(new IllegalStateException("HTTP " + reply.status())));
    }

    private void record(String jwks) {
        Set<String> now = new HashSet<>();
        try {
            JsonArray keys = new JsonObject(jwks).getJsonArray("keys");
            for (int i = 0; keys != null && i < keys.size(); i++) {
                if (keys.getValue(i) instanceof JsonObject key && key.getValue("kid") instanceof String kid) {
                    now.add(kid);
                }
            }
        } catch (RuntimeException e) {
            LOG.debugf("JWKS not readable: %s", e.getClass().getName());
            return;
        }
        if (now.isEmpty()) {
            // An issuer that publishes no key at all is booting or broken, not rotating: it withdraws nothing.
            return;
        }
        Set<String> gone = new LinkedHashSet<>(withdrawn);
        gone.removeAll(now); // published again
        for (String kid : published) {
            if (!now.contains(kid) && gone.add(kid)) {
                LOG.infof("The issuer withdrew a signing key from its JWKS: tokens signed with it are refused now");
            }
        }
        while (gone.size() > MAX_WITHDRAWN) {
            gone.remove(gone.iterator().next());
        }
        withdrawn = Set.copyOf(gone);
        published = Set.copyOf(now);
    }

    @PreDestroy
    void stop() {
        if (http != null) {
            http.close();
        }
    }
}
