package io.creditrobot.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on 127.0.0.1 in front of PostgreSQL that can turn into a black hole: while {@link #blackHole} is on,
 * it still accepts connections (the kernel completes the handshake) but nothing passes either way, on new and open
 * connections alike; the server itself runs on, as when a network path dies or a firewall drops the traffic after the
 * handshake. Off again, everything held passes. {@link #acceptNothing} goes further, as a firewall that drops every
 * packet does: the listener's accept queue is filled by connections of its own that nobody accepts, so the kernel
 * drops every new SYN and a client's connect times out, while open connections are held as in a black hole. Daemon
 * threads, all ended by {@link #close()}.
 */
final class BlackHoleProxy implements AutoCloseable {

    /** The listener's accept queue: room for the pool's 20 connects at once, and few enough to fill. */
    private static final int BACKLOG = 50;

    private final ServerSocket listener;
    private final int upstreamPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    /** The connections that fill the accept queue, and their local ports (to drop them when they are accepted). */
    private final List<Socket> fillers = new CopyOnWriteArrayList<>();
    private final Set<Integer> fillerPorts = ConcurrentHashMap.newKeySet();
    private volatile boolean accepting = true;
    private volatile boolean blackHole;
    private volatile boolean closed;

    BlackHoleProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.listener = new ServerSocket(0, BACKLOG, InetAddress.getLoopbackAddress());
        daemon("black-hole-accept", this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    void blackHole(boolean on) {
        blackHole = on;
    }

    /**
     * On: stops accepting, fills the accept queue (a bounded number of connects, until one times out) and holds the
     * open connections. Off: the fillers are closed and dropped when accepted, and everything else passes again.
     */
    void acceptNothing(boolean on) throws IOException, InterruptedException {
        if (on) {
            blackHole = true;
            accepting = false;
            for (int i = 0; i < BACKLOG + 16; i++) {
                Socket filler = new Socket();
                try {
                    filler.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), 300);
                } catch (IOException full) {
                    filler.close();
                    return; // the queue is full: the kernel drops new SYNs
                }
                fillerPorts.add(filler.getLocalPort());
                fillers.add(filler);
            }
            throw new IllegalStateException("the accept queue never filled after " + (BACKLOG + 16) + " connects");
        }
        fillers.forEach(BlackHoleProxy::closeQuietly);
        fillers.clear();
        accepting = true;
        blackHole = false;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                if (!accepting) {
                    Thread.sleep(20);
                    continue;
                }
                Socket client = listener.accept();
                if (fillerPorts.remove(client.getPort())) {
                    client.close(); // one of acceptNothing's own connections
                    continue;
                }
                sockets.add(client);
                daemon("black-hole-connect", () -> connect(client));
            } catch (IOException | InterruptedException e) {
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
        fillers.forEach(BlackHoleProxy::closeQuietly);
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
