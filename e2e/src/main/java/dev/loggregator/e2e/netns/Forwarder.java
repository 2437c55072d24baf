package dev.loggregator.e2e.netns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Accepts connections on one socket and splices each to a new connection to a target, across the
 * boundary of a network namespace: a Unix domain socket is a file, reachable from every
 * namespace, so a helper inside a namespace ({@link NamespaceGate}) and this JVM outside meet on
 * one. The same class serves the test's loopback ports into the test network, the helper's ends,
 * and a relay that delays a link ({@link #delay}).
 */
public final class Forwarder implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MILLIS = 3000;

    /** Opens the connection to the target for each accepted one. */
    interface Dialer {
        SocketChannel dial() throws IOException;
    }

    private final String name;
    private final ServerSocketChannel server;
    private final Path socketFile;
    private final Dialer dialer;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private volatile Duration delay = Duration.ZERO;
    private volatile boolean closed;

    private Forwarder(String name, ServerSocketChannel server, Path socketFile, Dialer dialer) {
        this.name = name;
        this.server = server;
        this.socketFile = socketFile;
        this.dialer = dialer;
        Thread acceptor = new Thread(this::accept, name + " accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A port on this machine's loopback (127.0.0.1, any free port) leading to the Unix socket {@code target}. */
    public static Forwarder loopbackToUnix(String name, Path target) {
        try {
            ServerSocketChannel server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return new Forwarder(name, server, null, () -> SocketChannel.open(UnixDomainSocketAddress.of(target)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Unix socket {@code listen} leading to TCP {@code target} (dialled from the namespace this runs in). */
    public static Forwarder unixToTcp(String name, Path listen, InetSocketAddress target) {
        return new Forwarder(name, unixServer(listen), listen, () -> {
            SocketChannel channel = SocketChannel.open();
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.socket().connect(target, CONNECT_TIMEOUT_MILLIS);
            return channel;
        });
    }

    /** TCP {@code listen} (in the namespace this runs in) leading to the Unix socket {@code target}. */
    public static Forwarder tcpToUnix(String name, InetSocketAddress listen, Path target) {
        try {
            ServerSocketChannel server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(listen);
            return new Forwarder(name, server, null, () -> SocketChannel.open(UnixDomainSocketAddress.of(target)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Unix socket {@code listen} leading to the Unix socket {@code target}: a relay whose latency can be set. */
    public static Forwarder unixToUnix(String name, Path listen, Path target) {
        return new Forwarder(name, unixServer(listen), listen, () -> SocketChannel.open(UnixDomainSocketAddress.of(target)));
    }

    private static ServerSocketChannel unixServer(Path listen) {
        try {
            Files.deleteIfExists(listen);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(listen));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The loopback port of a {@link #loopbackToUnix} forwarder. */
    public int port() {
        try {
            return ((InetSocketAddress) server.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Latency added to every chunk in both directions from now on (each direction: one-way delay). */
    public void delay(Duration oneWay) {
        delay = oneWay;
    }

    private void accept() {
        while (!closed) {
            SocketChannel accepted;
            try {
                accepted = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            SocketChannel target;
            try {
                if (accepted.getLocalAddress() instanceof InetSocketAddress) {
                    accepted.setOption(StandardSocketOptions.TCP_NODELAY, true);
                }
                target = dialer.dial();
            } catch (IOException e) {
                // The target refuses or is unreachable: the client sees its connection end, as it would.
                closeQuietly(accepted);
                continue;
            }
            open.add(accepted);
            open.add(target);
            Splice.start(name, accepted, target, () -> delay, () -> {
                open.remove(accepted);
                open.remove(target);
            });
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing to do.
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // Closing anyway.
        }
        open.forEach(Forwarder::closeQuietly);
        if (socketFile != null) {
            try {
                Files.deleteIfExists(socketFile);
            } catch (IOException e) {
                // A leftover socket file is replaced by the next bind.
            }
        }
    }
}
