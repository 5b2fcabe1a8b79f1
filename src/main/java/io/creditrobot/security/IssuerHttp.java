package io.creditrobot.security;

import java.time.Duration;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * GETs from the token issuer on a Vert.x timer, for what watches it ({@link PublishedKeys}, the
 * {@code identity-provider} wellness check): one connection, no keep-alive, every step bounded by the timeout.
 */
public final class IssuerHttp implements AutoCloseable {

    /** An answer: its status and its body (empty for none). */
    public record Reply(int status, String body) {
    }

    private final Vertx vertx;
    private final HttpClient client;
    private final long timeoutMs;
    private long timer = -1;

    public IssuerHttp(Vertx vertx, Duration timeout) {
        this.vertx = vertx;
        this.timeoutMs = timeout.toMillis();
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) timeoutMs)
                .setMaxPoolSize(1).setKeepAlive(false));
    }

    /** Runs {@code task} now and then every {@code interval} on a Vert.x timer, until {@link #close()}. */
    public void every(Duration interval, Runnable task) {
        task.run();
        timer = vertx.setPeriodic(interval.toMillis(), id -> task.run());
    }

    /** GETs {@code uri} as JSON; a URL Vert.x cannot use is a failed future, as an unreachable host is. */
    public Future<Reply> get(String uri) {
        try {
            RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(uri)
                    .setConnectTimeout(timeoutMs).setTimeout(timeoutMs).addHeader("Accept", "application/json");
            return client.request(request).compose(sent -> sent.send())
                    .compose(response -> response.body().map(body -> new Reply(response.statusCode(),
                            body == null ? "" : body.toString())));
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    @Override
    public void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        client.close();
    }
}
