package io.creditrobot.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on 127.0.0.1 in front of PostgreSQL that can turn into a black hole: while {@link #blackHole} is on,
 * it still accepts connections (the kernel completes the handshake) but nothing passes either way, on new and open
 * connections alike; the server itself runs on, as when a network path dies or a firewall drops the traffic after the
 * handshake. Off again, everything held passes. Daemon threads, all ended by {@link #close()}.
 */
final class BlackHoleProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int upstreamPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean blackHole;
    private volatile boolean closed;

    BlackHoleProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon("black-hole-accept", this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    void blackHole(boolean on) {
        blackHole = on;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                sockets.add(client);
                daemon("black-hole-connect", () -> connect(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void connect(Socket client) {
        try {
            holdWhileBlackHole();
            Socket server = new Socket();
            sockets.add(server);
            server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 5000);
            daemon("black-hole-up", () -> pump(client, server));
            pump(server, client);
        } catch (IOException | InterruptedException e) {
            closeQuietly(client);
        }
    }

    /** Relays {@code from} to {@code to}, holding the bytes read while the black hole is on. */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0;) {
                holdWhileBlackHole();
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // One side closed: close the other.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void holdWhileBlackHole() throws InterruptedException {
        while (blackHole && !closed) {
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        sockets.forEach(BlackHoleProxy::closeQuietly);
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // Closed either way.
        }
    }
}
