package io.creditrobot.health;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.creditrobot.testsupport.HealthSchema;
import io.creditrobot.testsupport.Http;
import io.creditrobot.testsupport.PackagedApp;
import io.creditrobot.testsupport.TestDatabase;
import io.creditrobot.testsupport.Slack;

/**
 * The packaged jar behind a multi-host JDBC URL with {@code targetServerType=primary}, against two real PostgreSQL
 * servers: the first listed is read-only (as a demoted primary), the second writable. The application must be ready,
 * and its writes must land on the writable one; when that one turns read-only too, readiness says so and writes
 * answer 503; when it is writable again, both recover without a restart.
 */
class MultiHostFailoverIT {

    @Test
    void readinessAndWritesFollowTheWritablePrimaryOfAMultiHostUrl() throws Exception {
        String password = "Pw-" + UUID.randomUUID().toString().replace("-", "");
        try (TestDatabase demoted = TestDatabase.create(password); TestDatabase primary = TestDatabase.create(password)) {
            demoted.readOnly(true, true);
            String url = "jdbc:postgresql://127.0.0.1:" + demoted.port() + ",127.0.0.1:" + primary.port() + "/"
                    + TestDatabase.DATABASE + "?targetServerType=primary";
            try (PackagedApp app = PackagedApp.launch("multi-host", primary, Map.of("quarkus.datasource.jdbc.url", url))) {
                await("ready through the multi-host URL").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> Http.get(app.managementUrl("/q/health/ready")).status() == 200);
                assertEquals(201, Http.postApplication(app.url("/api/applications"), "Lands On Primary").statusCode());
                assertEquals(1, primary.queryForLong(
                        "SELECT count(*) FROM credit_application WHERE applicant_name = 'Lands On Primary'"));
                assertEquals(0, demoted.queryForLong(
                        "SELECT count(*) FROM pg_tables WHERE tablename = 'credit_application'"),
                        "nothing was written to the read-only server");

                primary.readOnly(true, true);
                await("DOWN with no writable server").atMost(Duration.ofMillis(Slack.millis(1000))).pollInterval(Duration.ofMillis(20))
                        .until(() -> Http.get(app.managementUrl("/q/health/ready")).status() == 503);
                String body = Http.get(app.managementUrl("/q/health/ready")).body();
                assertTrue(Set.of("read-only", "unreachable").contains(HealthSchema.reason(body, "database")), body);
                HttpResponse<String> refused = Http.postApplication(app.url("/api/applications"), "No Primary");
                assertEquals(503, refused.statusCode(), refused.body());
                assertTrue(refused.headers().firstValue("Retry-After").isPresent());

                primary.readOnly(false, false);
                long since = System.nanoTime();
                await("ready again").atMost(Duration.ofMillis(Slack.millis(3000))).pollInterval(Duration.ofMillis(20))
                        .until(() -> Http.get(app.managementUrl("/q/health/ready")).status() == 200);
                System.out.printf("multi-host: ready %d ms after the primary was writable again%n",
                        Http.elapsedMillis(since));
                assertEquals(201, Http.postApplication(app.url("/api/applications"), "Primary Again").statusCode());
                assertTrue(app.log().lines().noneMatch(l -> l.contains(password)), "no password in the log");
            }
        }
    }
}
