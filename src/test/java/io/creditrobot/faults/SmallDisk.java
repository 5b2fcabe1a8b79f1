package io.creditrobot.faults;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * A disk of its own for the lab's database: a tmpfs of {@link #SIZE_MB} MB mounted under {@code target/}, which the
 * fault matrix makes the database's default tablespace and then fills with one file of zeros, as a full data disk.
 * Mounting needs root (CI runs as root); elsewhere {@link #mount} says why not and the row is reported as not run.
 */
final class SmallDisk implements AutoCloseable {

    static final int SIZE_MB = 64;
    private static final long COMMAND_SECONDS = 10;

    private final Path directory;
    private final Path filler;

    private SmallDisk(Path directory) {
        this.directory = directory;
        this.filler = directory.resolve("filler");
    }

    /** Mounts a new tmpfs at {@code directory}; null, with the reason on standard error, when it cannot. */
    static SmallDisk mount(Path directory) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        String refused = run("mount", "-t", "tmpfs", "-o", "size=" + SIZE_MB + "m,mode=0700", "creditrobot-fault-disk",
                directory.toString());
        if (refused != null) {
            System.err.println("No small disk for the fault matrix (" + refused + "): its disk-full row is not run");
            return null;
        }
        return new SmallDisk(directory);
    }

    Path directory() {
        return directory;
    }

    /**
     * Writes zeros until the disk refuses (ENOSPC): no free block is left. Bounded by the disk's size, in MB writes.
     */
    void fill() throws IOException {
        ByteBuffer megabyte = ByteBuffer.allocate(1 << 20);
        try (FileChannel out = FileChannel.open(filler, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int i = 0; i <= SIZE_MB; i++) {
                megabyte.clear();
                out.write(megabyte);
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
            return;
        }
        throw new IllegalStateException("wrote " + SIZE_MB + " MB to " + directory + " and it is not full");
    }

    /** Frees what {@link #fill} took. */
    void empty() throws IOException {
        Files.deleteIfExists(filler);
    }

    /** Unmounts it (once the database that used it has stopped). */
    @Override
    public void close() throws IOException, InterruptedException {
        String refused = run("umount", directory.toString());
        if (refused != null) {
            throw new IOException("umount " + directory + ": " + refused);
        }
    }

    /** Runs a command to its end (bounded); null when it succeeded, else what it said. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return command[0] + " did not end within " + COMMAND_SECONDS + " s";
        }
        String said = new String(process.getInputStream().readAllBytes()).trim();
        return process.exitValue() == 0 ? null : "exit " + process.exitValue() + ": " + said;
    }
}
