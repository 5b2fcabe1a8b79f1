package io.creditrobot.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;

/**
 * Collects every log line of the application under test (same JVM, {@code @QuarkusTest}) while open: the root
 * logger's records, formatted as the console would format their message.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger root = Logger.getLogger("");

    private LogCapture() {
    }

    public static LogCapture start() {
        LogCapture capture = new LogCapture();
        capture.root.addHandler(capture);
        return capture;
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    public List<String> linesContaining(String text) {
        return lines.stream().filter(l -> l.contains(text)).toList();
    }

    @Override
    public void publish(LogRecord record) {
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        StringBuilder line = new StringBuilder(record.getLoggerName() + " " + record.getLevel() + " " + message);
        for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
            line.append(" | ").append(t);
        }
        lines.add(line.toString());
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        root.removeHandler(this);
    }
}
