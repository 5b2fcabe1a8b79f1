package io.creditrobot.api;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import io.creditrobot.testsupport.Slack;
import io.quarkus.runtime.configuration.DurationConverter;

/**
 * The idle timeout closes a connection that completes no request for that long, a request in flight included (one
 * that writes nothing meanwhile: the server cuts it without an answer, as {@code ConnectionDeadlineIT}'s mechanism
 * implies). So the production value must outlast the slowest request the API lets run: a pool wait
 * ({@code acquisition-timeout}) plus one statement stuck until the driver's socket timeout, after which the request
 * answers 503. Read from the production configuration, so that raising either timeout fails here, not in production.
 */
class IdleTimeoutTest {

    @Test
    void theIdleTimeoutOutlastsTheSlowestRequestTheApiLetsRun() throws IOException {
        Properties config = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            config.load(in);
        }
        Duration idle = duration(config, "quarkus.http.idle-timeout");
        Duration slowest = duration(config, "quarkus.datasource.jdbc.acquisition-timeout")
                .plus(Duration.ofSeconds(Long.parseLong(
                        config.getProperty("quarkus.datasource.jdbc.additional-jdbc-properties.socketTimeout"))));
        System.out.printf("idle timeout %s, slowest request %s (pool wait + socket timeout)%n", idle, slowest);
        assertTrue(idle.compareTo(slowest.plus(Slack.SLACK)) >= 0, "idle timeout " + idle + " would cut a request "
                + "that waits " + slowest + " for the database (pool wait + socket timeout) on a loaded machine");
        assertTrue(idle.compareTo(Duration.ofSeconds(30)) <= 0, "a silent connection is held " + idle);
    }

    /** The value of {@code key}, read as Quarkus reads a duration. */
    private static Duration duration(Properties config, String key) {
        String value = config.getProperty(key);
        assertNotNull(value, key + " is not set in application.properties");
        return DurationConverter.parseDuration(value.trim());
    }
}
