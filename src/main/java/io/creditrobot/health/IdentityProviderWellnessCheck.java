package io.creditrobot.health;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import io.quarkus.runtime.StartupEvent;
import io.creditrobot.reason.Reason;
import io.creditrobot.security.IssuerHttp;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.Wellness;
import io.smallrye.mutiny.Uni;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;

/**
 * {@code identity-provider}: the token issuer's discovery document answers ({@code GET
 * <quarkus.oidc.auth-server-url>/.well-known/openid-configuration}, fetched every
 * {@code creditrobot.health.identity-provider.interval} on a Vert.x timer, whether or not anyone probes). Wellness
 * only, never readiness: tokens already issued keep verifying with the keys Quarkus OIDC has cached, and an issuer
 * outage must not take every instance out of rotation at once (docs/security.md). It makes the outage visible: the
 * health watcher logs, journals and counts each change of this check like any other.
 *
 * <p>
 * DOWN: {@code unreachable} (refused, no route, no answer within the timeout, a TLS failure) or {@code error} (an
 * answer other than 200, with {@code httpStatus}); {@code pending} before the first answer. The data never names the
 * issuer (its URL is configuration). Operator: check the identity provider and the path to it; nothing restarts.
 */
@Wellness
public class IdentityProviderWellnessCheck implements AsyncHealthCheck {

    static final String NAME = "identity-provider";

    /** Why {@code identity-provider} is DOWN: no answer yet, none at all, or not a 200. */
    public enum IdentityProviderReason implements Reason { PENDING, UNREACHABLE, ERROR }

    /** What the last fetch found; replaced whole by the Vert.x context that ran it, read by any thread. */
    record Observation(IdentityProviderReason reason, int httpStatus, int consecutiveFailures, Instant lastSuccess) {

        static final Observation PENDING = new Observation(IdentityProviderReason.PENDING, 0, 0, null);

        boolean up() {
            return reason == null;
        }
    }

    private final Vertx vertx;
    private final Optional<String> discovery;
    private final HealthConfig.IdentityProvider config;
    private volatile Observation last = Observation.PENDING;
    /** One fetch at a time: a slow one is not overtaken, and {@link #record} never races itself. */
    private final AtomicBoolean fetching = new AtomicBoolean();
    private IssuerHttp http;

    IdentityProviderWellnessCheck(Vertx vertx, HealthConfig config,
            @ConfigProperty(name = "quarkus.oidc.auth-server-url") Optional<String> issuer) {
        this.vertx = vertx;
        this.config = config.identityProvider();
        this.discovery = issuer.map(url -> url.replaceAll("/+$", "") + "/.well-known/openid-configuration");
    }

    void start(@Observes StartupEvent event) {
        if (discovery.isEmpty()) {
            return;
        }
        http = new IssuerHttp(vertx, config.timeout());
        http.every(config.interval(), this::fetch);
    }

    private void fetch() {
        if (!fetching.compareAndSet(false, true)) {
            return;
        }
        http.get(discovery.get()).onComplete(this::record); // a URL Vert.x cannot use: unreachable, tried again
    }

    private void record(AsyncResult<IssuerHttp.Reply> result) {
        Observation before = last;
        if (result.succeeded() && result.result().status() == 200) {
            last = new Observation(null, 200, 0, Instant.now());
        } else {
            int status = result.succeeded() ? result.result().status() : 0;
            IdentityProviderReason reason = result.succeeded() ? IdentityProviderReason.ERROR
                    : IdentityProviderReason.UNREACHABLE;
            last = new Observation(reason, status, before.consecutiveFailures() + 1, before.lastSuccess());
        }
        fetching.set(false);
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        Observation now = last;
        if (discovery.isEmpty()) {
            return Uni.createFrom().item(HealthCheckResponse.named(NAME).up().withData("configured", false).build());
        }
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME).status(now.up())
                .withData("consecutiveFailures", now.consecutiveFailures());
        if (!now.up()) {
            Reason.down(builder, now.reason());
            if (now.httpStatus() > 0) {
                builder.withData("httpStatus", now.httpStatus());
            }
            builder.withData("lastSuccessAt", now.lastSuccess() == null ? "never since start"
                    : now.lastSuccess().toString());
        }
        return Uni.createFrom().item(builder.build());
    }

    @PreDestroy
    void stop() {
        if (http != null) {
            http.close();
        }
    }
}
