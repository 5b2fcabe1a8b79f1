package io.creditrobot.api;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Keeps {@code http_server_requests_seconds{uri}} to the API's own route templates: any other path a client sends
 * (a scanner's guesses, typos) is counted under {@code uri="UNMATCHED"} instead of becoming a label of its own,
 * which would grow without bound until Quarkus' tag cap silently dropped legitimate ones. Likewise {@code method}:
 * a method outside RFC 9110's (and PATCH) is counted as {@code method="OTHER"}, since every made-up method a client
 * sends would otherwise be a series of its own, kept for the process's life (about 1.3 KB of heap each).
 */
@Singleton
public class UriTagFilter {

    static final String UNMATCHED = "UNMATCHED";
    /** Values Quarkus itself gives requests no route matched, and the main port's own routes outside the API. */
    private static final Set<String> OTHER_KNOWN = Set.of("NOT_FOUND", "REDIRECTION", "root", "/health");
    static final String OTHER_METHOD = "OTHER";
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
            "TRACE", "PATCH");

    @Produces
    @Singleton
    MeterFilter boundedUriTags() {
        Set<String> known = Stream.concat(ApiRoutes.templates().stream(), OTHER_KNOWN.stream())
                .collect(Collectors.toUnmodifiableSet());
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (!id.getName().equals("http.server.requests")) {
                    return id;
                }
                Tags tags = Tags.of(id.getTags());
                String uri = id.getTag("uri");
                if (uri != null && !known.contains(uri)) {
                    tags = tags.and("uri", UNMATCHED);
                }
                String method = id.getTag("method");
                if (method != null && !METHODS.contains(method)) {
                    tags = tags.and("method", OTHER_METHOD);
                }
                return id.replaceTags(tags);
            }
        };
    }
}
