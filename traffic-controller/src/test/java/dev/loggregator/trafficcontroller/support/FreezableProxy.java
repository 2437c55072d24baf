package dev.loggregator.trafficcontroller.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on loopback that can play a network partition: {@link #freeze()} stops copying on the
 * connections open now, in both directions and without closing them (the peers' data backs up and
 * nothing arrives, as when packets are dropped), while new connections pass; {@link #thaw()} lets
 * the frozen ones go on.
 */
public final class FreezableProxy implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicInteger targetPort = new AtomicInteger();
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();

    private static final class Connection {
        final Socket client;
        final Socket target;
        volatile CountDownLatch frozen;

        Connection(Socket client, Socket target) {
            this.client = client;
            this.target = target;
        }

        void awaitThawed() throws InterruptedException {
            CountDownLatch gate = frozen;
            if (gate != null) {
                gate.await();
            }
        }
    }

    public FreezableProxy() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "freezable-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Where connections go (a Doppler's port, known once it is started); until set, connections are closed. */
    public void target(int port) {
        targetPort.set(port);
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    public void freeze() {
        for (Connection connection : connections) {
            connection.frozen = new CountDownLatch(1);
        }
    }

    public void thaw() {
        for (Connection connection : connections) {
            CountDownLatch gate = connection.frozen;
            connection.frozen = null;
            if (gate != null) {
                gate.countDown();
            }
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                accepted.incrementAndGet();
                if (targetPort.get() == 0) {
                    client.close();
                    continue;
                }
                Socket target = new Socket();
                try {
                    target.connect(new InetSocketAddress("127.0.0.1", targetPort.get()), 2000);
                } catch (IOException refused) {
                    client.close();
                    continue;
                }
                Connection connection = new Connection(client, target);
                connections.add(connection);
                copy(connection, client, target);
                copy(connection, target, client);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void copy(Connection connection, Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while (true) {
                    connection.awaitThawed();
                    if ((n = in.read(buffer)) < 0) {
                        break;
                    }
                    connection.awaitThawed(); // frozen while reading: hold what was read
                    out.write(buffer, 0, n);
                }
            } catch (IOException | InterruptedException e) {
                // Either side went away.
            } finally {
                closeQuietly(connection.client);
                closeQuietly(connection.target);
                connections.remove(connection);
            }
        }, "freezable-proxy-copy");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(java.io.Closeable socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing anyway.
        }
    }

    @Override
    public void close() {
        closeQuietly(server);
        thaw();
        for (Connection connection : connections) {
            closeQuietly(connection.client);
            closeQuietly(connection.target);
        }
    }
}
