package io.creditrobot.health;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.creditrobot.testsupport.Http;
import io.creditrobot.testsupport.PackagedApp;
import io.creditrobot.testsupport.TestDatabase;
import io.creditrobot.testsupport.Slack;

/**
 * In production (the packaged jar, prod profile) the log is JSON, and each health transition is exactly one line
 * whose structured fields say which check went from what to what, why, and after how long an outage.
 */
class HealthTransitionLogIT {

    @Test
    void eachTransitionIsExactlyOneJsonLineWithStructuredFields() throws Exception {
        try (TestDatabase db = TestDatabase.create();
                PackagedApp app = PackagedApp.launch("transition-log", db, Map.of())) {
            String ready = app.managementUrl("/q/health/ready");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Http.get(ready).status() == 200);
            db.stop();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> Http.get(ready).status() == 503);
            for (int i = 0; i < 20; i++) {
                assertEquals(503, Http.get(ready).status()); // many DOWN probes, one line
            }
            db.start();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> Http.get(ready).status() == 200);

            // The boot's own START -> DOWN (pending) -> UP comes first; the outage's lines follow.
            List<JsonNode> database = await().atMost(Duration.ofMillis(Slack.millis(3000)))
                    .until(() -> sinceFirstUp(transitions(app, "database")), lines -> lines.size() >= 2);
            assertEquals(2, database.size(), "one line DOWN, one line UP: " + database);
            JsonNode down = database.get(0).path("mdc");
            assertEquals("UP", down.path("from").asText());
            assertEquals("DOWN", down.path("to").asText());
            assertEquals("unreachable", down.path("reason").asText());
            JsonNode up = database.get(1).path("mdc");
            assertEquals("DOWN", up.path("from").asText());
            assertEquals("UP", up.path("to").asText());
            assertTrue(up.path("outageMs").asLong() > 0, "outage duration: " + up);
            assertTrue(database.get(0).path("message").asText().contains("Health check 'database' UP -> DOWN"));
        }
    }

    /** The transitions from the first one that leaves UP on (the boot's START -> DOWN -> UP dropped). */
    private static List<JsonNode> sinceFirstUp(List<JsonNode> transitions) {
        for (int i = 0; i < transitions.size(); i++) {
            if ("UP".equals(transitions.get(i).path("mdc").path("from").asText())) {
                return transitions.subList(i, transitions.size());
            }
        }
        return List.of();
    }

    /** The JSON log lines of the packaged app that record a transition of {@code check}. */
    private static List<JsonNode> transitions(PackagedApp app, String check) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> found = new ArrayList<>();
        for (String line : app.log().split("\n")) {
            if (line.startsWith("{")) {
                JsonNode record = json.readTree(line);
                if (check.equals(record.path("mdc").path("check").asText())) {
                    found.add(record);
                }
            }
        }
        return found;
    }
}
