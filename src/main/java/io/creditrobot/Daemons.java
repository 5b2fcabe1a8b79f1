package io.creditrobot;

import java.util.concurrent.ThreadFactory;

/** The service's own threads: named (every log line says which one wrote it) and daemons (none holds up an exit). */
public final class Daemons {

    private Daemons() {
    }

    public static ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
