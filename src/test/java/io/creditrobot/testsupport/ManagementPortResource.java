package io.creditrobot.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives the management interface (health, metrics) a free port chosen before the application starts, and tells
 * tests where it is through {@link #url(String)} (a system property, so it works from every class loader and for
 * {@code @QuarkusIntegrationTest} too). Applies to every {@code @QuarkusTest} and {@code @QuarkusIntegrationTest}.
 * Being the one resource that starts before every launch, it also keeps the previous launch's log for LogAuditIT.
 */
@QuarkusTestResource(ManagementPortResource.class)
public class ManagementPortResource implements QuarkusTestResourceLifecycleManager {

    private static final String PORT_PROPERTY = "creditrobot.test.management-port";

    @Override
    public Map<String, String> start() {
        keepLastLaunchLog();
        String port = String.valueOf(freePort());
        System.setProperty(PORT_PROPERTY, port);
        return Map.of("quarkus.management.test-port", port, "quarkus.management.port", port);
    }

    @Override
    public void stop() {
        System.clearProperty(PORT_PROPERTY);
    }

    /** The URL of a path on the management interface of the application under test, e.g. {@code /q/health}. */
    public static String url(String path) {
        String port = System.getProperty(PORT_PROPERTY);
        if (port == null) {
            throw new IllegalStateException("No management port: is the test a @QuarkusTest?");
        }
        return "http://127.0.0.1:" + port + path;
    }

    /**
     * {@code @QuarkusIntegrationTest} deletes {@code target/quarkus.log} and writes the next launch's output there;
     * test resources start before that launch, so the previous launch's log is moved aside here, for LogAuditIT.
     */
    private static void keepLastLaunchLog() {
        Path last = LogAudit.TARGET.resolve("quarkus.log");
        try {
            if (Files.exists(last)) {
                Files.createDirectories(LogAudit.KEPT);
                Files.move(last, LogAudit.KEPT.resolve("quarkus-it-" + System.nanoTime() + ".log"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not keep " + last, e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
