package io.creditrobot;

import java.util.Arrays;

import io.creditrobot.probe.HealthProbe;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point. {@code healthcheck …} runs the built-in container probe and exits, without booting Quarkus (the
 * Dockerfiles' HEALTHCHECK: native base images have no curl); anything else starts the service.
 */
@QuarkusMain
public final class CreditRobotMain {

    private CreditRobotMain() {
    }

    public static void main(String... args) {
        if (args.length > 0 && "healthcheck".equals(args[0])) {
            int exit = HealthProbe.run(Arrays.copyOfRange(args, 1, args.length), System.getenv(), System.out);
            System.out.flush();
            // halt, not exit: the probe registers no shutdown hook, and System.exit on JDK 21+ first sets up
            // System.Logger to log the exit (a service lookup that opens the jar): about 8 ms of a JVM probe here.
            Runtime.getRuntime().halt(exit);
        }
        Quarkus.run(args);
    }
}
