package io.creditrobot.health;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;

import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import io.creditrobot.testsupport.Http;
import io.creditrobot.testsupport.ManagementPortResource;
import io.creditrobot.testsupport.Slack;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.health.api.Wellness;

/**
 * A plain {@link HealthCheck} bean, written as the Quarkus guide shows one, is watched like ours: its transitions
 * reach the journal ({@code /q/health/history}) and its gauge, with no probe. The watcher used to take
 * {@code AsyncHealthCheck} beans only: such a check was served by the probes and recorded nowhere.
 */
@QuarkusTest
class PlainHealthCheckTest {

    /** Test code only: UP unless a test says otherwise, so that every other test sees it UP. */
    @Wellness
    static class PlainCheck implements HealthCheck {
        static volatile boolean up = true;

        @Override
        public HealthCheckResponse call() {
            return up ? HealthCheckResponse.up("plain") : HealthCheckResponse.builder().name("plain").down()
                    .withData("reason", "switched-off").build();
        }
    }

    @Inject
    MeterRegistry registry;

    @Inject
    HealthConfig config;

    @Test
    void aPlainHealthCheckIsJournaledAndGaugedWithoutAProbe() {
        Instant start = Instant.now();
        Duration within = Duration.ofMillis(Slack.millis(2 * config.watchInterval().toMillis()));
        try {
            PlainCheck.up = false;
            await("the plain check's gauge reads 0").atMost(within).pollInterval(Duration.ofMillis(20))
                    .until(() -> gauge() == 0.0);
        } finally {
            PlainCheck.up = true;
        }
        await("and 1 again").atMost(within).pollInterval(Duration.ofMillis(20)).until(() -> gauge() == 1.0);
        JsonPath history = JsonPath.from(Http.get(ManagementPortResource.url(HealthHistoryRoute.PATH
                + "?check=plain&since=" + start)).body());
        assertEquals(2, history.getList("entries").size(), history.prettify());
        assertEquals("DOWN", history.getString("entries[0].to"), history.prettify());
        assertEquals("switched-off", history.getString("entries[0].reason"), history.prettify());
        assertEquals("UP", history.getString("entries[1].to"), history.prettify());
        assertEquals("DOWN", history.getString("entries[1].from"), history.prettify());
    }

    private double gauge() {
        var gauge = registry.find("creditrobot.health.check.up").tag("check", "plain").gauge();
        return gauge == null ? -1 : gauge.value();
    }
}
