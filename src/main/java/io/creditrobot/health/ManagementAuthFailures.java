package io.creditrobot.health;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.ext.web.RoutingContext;

/**
 * Repeated failed basic authentication on the management port is slowed to {@link ManagementAuthConfig#limit()}
 * guesses per {@link ManagementAuthConfig#lockout()} per client address: a request with credentials from a client
 * that reached the limit is answered {@code 429} with {@code Retry-After} before its password is checked. A
 * success clears the client's count; probes carry no credentials and are never refused. Each lockout logs one line
 * (the count and the window; never the address, the user name or the guess) and every failure is counted in
 * {@code creditrobot_management_auth_failures_total}, every lockout in
 * {@code creditrobot_management_auth_lockouts_total}. Memory is bounded by {@link ManagementAuthConfig#maxClients()}.
 */
@ApplicationScoped
public class ManagementAuthFailures {

    private static final Logger LOG = Logger.getLogger(ManagementAuthFailures.class);

    static final String LOCKED = "{\"status\":429,\"error\":\"Too Many Requests\",\"message\":\"Too many failed "
            + "authentications from this client; credentials are refused for a while. Retry after the number of "
            + "seconds in Retry-After.\"}";

    /** One client's failures in the current window, and until when it is locked out (0: not locked). */
    private static final class Client {
        final AtomicInteger failures = new AtomicInteger();
        volatile long lockedUntilNanos;
    }

    private final ManagementAuthConfig config;
    private final Cache<String, Client> clients;
    private final Counter failures;
    private final Counter lockouts;

    @Inject
    ManagementAuthFailures(ManagementAuthConfig config, MeterRegistry registry) {
        this.config = config;
        Duration remembered = config.window().compareTo(config.lockout()) > 0 ? config.window() : config.lockout();
        this.clients = Caffeine.newBuilder().maximumSize(config.maxClients()).expireAfterWrite(remembered)
                .executor(Runnable::run).build();
        this.failures = Counter.builder("creditrobot.management.auth.failures")
                .description("Failed basic authentications on the management port").register(registry);
        this.lockouts = Counter.builder("creditrobot.management.auth.lockouts")
                .description("Clients whose credentials the management port refused for a while").register(registry);
    }

    void install(@Observes ManagementInterface management) {
        management.router().route().order(-1100).handler(this::guard);
    }

    private void guard(RoutingContext context) {
        String authorization = context.request().getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)
                || isProbe(context.normalizedPath())) {
            context.next();
            return;
        }
        String address = context.request().remoteAddress() == null ? "unknown"
                : context.request().remoteAddress().hostAddress();
        Client known = clients.getIfPresent(address);
        long now = System.nanoTime();
        if (known != null && known.lockedUntilNanos != 0 && now - known.lockedUntilNanos < 0) {
            long seconds = Math.max(1, (known.lockedUntilNanos - now + 999_999_999L) / 1_000_000_000L);
            context.response().setStatusCode(429).putHeader("Retry-After", Long.toString(seconds))
                    .putHeader("Content-Type", "application/json").end(LOCKED);
            return;
        }
        context.addEndHandler(done -> record(address, context.response().getStatusCode()));
        context.next();
    }

    /** Probes are public and never look at credentials: they are never refused, and never counted. */
    private static boolean isProbe(String path) {
        return path.startsWith("/q/health/live") || path.startsWith("/q/health/ready")
                || path.startsWith("/q/health/started");
    }

    private void record(String address, int status) {
        if (status != 401) {
            if (status < 400 || status == 403) {
                clients.invalidate(address); // the password was right
            }
            return;
        }
        failures.increment();
        Client client = clients.get(address, a -> new Client());
        if (client.lockedUntilNanos != 0 && System.nanoTime() - client.lockedUntilNanos >= 0) {
            client.lockedUntilNanos = 0;
            client.failures.set(0);
        }
        if (client.failures.incrementAndGet() == config.limit()) {
            client.lockedUntilNanos = System.nanoTime() + config.lockout().toNanos();
            clients.put(address, client); // remembered for the whole lockout from now
            lockouts.increment();
            LOG.warnf("Management port: %d failed basic authentications from one client within %s; its credentials "
                    + "are refused for %s (creditrobot_management_auth_failures_total counts every failure)",
                    config.limit(), config.window(), config.lockout());
        }
    }
}
