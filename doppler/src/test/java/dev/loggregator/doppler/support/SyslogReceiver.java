package dev.loggregator.doppler.support;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A syslog receiver for tests: TCP (or TLS) on loopback, RFC 6587 octet-counted messages, each
 * kept as received. It can stall (stop reading, so TCP back-pressure reaches the sender) and reset
 * every connection it accepts, as broken receivers do.
 */
public final class SyslogReceiver implements AutoCloseable {
    private final ServerSocket server;
    private final ConcurrentLinkedQueue<String> messages = new ConcurrentLinkedQueue<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> clientSubjects = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile CountDownLatch stall;
    private volatile boolean resetOnAccept;

    private SyslogReceiver(ServerSocket server) {
        this.server = server;
        Thread acceptor = new Thread(this::accept, "syslog-receiver-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static SyslogReceiver plain() {
        try {
            return new SyslogReceiver(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** TLS with the test CA's server certificate (for 127.0.0.1); {@code clientAuth} requires a client certificate. */
    public static SyslogReceiver tls(TestCertificates certs, boolean clientAuth) {
        try {
            SSLContext context = serverContext(certs, clientAuth);
            SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
                    .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
            server.setNeedClientAuth(clientAuth);
            return new SyslogReceiver(server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A server context with the test server certificate; trusting the test CA for client certificates. */
    public static SSLContext serverContext(TestCertificates certs, boolean clientAuth) {
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(certs.serverCert.toFile(), certs.serverKey.toFile())
                    .sslProvider(SslProvider.JDK);
            if (clientAuth) {
                builder.trustManager(certs.caCert.toFile()).clientAuth(ClientAuth.REQUIRE);
            }
            return ((JdkSslContext) builder.build()).context();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code scheme://127.0.0.1:port} */
    public String url(String scheme) {
        return scheme + "://127.0.0.1:" + port();
    }

    public List<String> messages() {
        return new ArrayList<>(messages);
    }

    public int count() {
        return messages.size();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Subjects of the client certificates presented, one per TLS connection that had one. */
    public List<String> clientSubjects() {
        return List.copyOf(clientSubjects);
    }

    /** Stops reading: what senders write piles up in the TCP buffers. */
    public void stall() {
        stall = new CountDownLatch(1);
    }

    public void resume() {
        CountDownLatch latch = stall;
        stall = null;
        if (latch != null) {
            latch.countDown();
        }
    }

    /** Every connection from now on is reset as soon as it is accepted. */
    public void resetOnAccept(boolean reset) {
        resetOnAccept = reset;
        if (reset) {
            sockets.forEach(SyslogReceiver::reset);
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                if (resetOnAccept) {
                    reset(socket);
                    continue;
                }
                sockets.add(socket);
                Thread reader = new Thread(() -> read(socket), "syslog-receiver-conn");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }

    private void read(Socket socket) {
        try (socket; InputStream in = new BufferedInputStream(socket.getInputStream())) {
            if (socket instanceof SSLSocket tls) {
                tls.startHandshake();
                try {
                    clientSubjects.add(tls.getSession().getPeerPrincipal().getName());
                } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                    // no client certificate
                }
            }
            while (true) {
                CountDownLatch latch = stall;
                if (latch != null) {
                    latch.await(60, TimeUnit.SECONDS);
                }
                int length = 0;
                int b;
                while ((b = in.read()) != ' ') {
                    if (b < 0) {
                        return;
                    }
                    if (b < '0' || b > '9') {
                        throw new IOException("not octet counting: byte " + b);
                    }
                    length = length * 10 + (b - '0');
                }
                byte[] message = in.readNBytes(length);
                if (message.length < length) {
                    throw new EOFException();
                }
                messages.add(new String(message, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the sender went away or the test reset the connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sockets.remove(socket);
        }
    }

    @Override
    public void close() {
        resume();
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        sockets.forEach(SyslogReceiver::reset);
    }
}
