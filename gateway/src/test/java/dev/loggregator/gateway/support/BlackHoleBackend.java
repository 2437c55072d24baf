package dev.loggregator.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback address whose TCP connect never completes, for connect timeouts without iptables: a
 * listening socket with a backlog of one that never accepts, its accept queue filled by the
 * constructor. Linux drops the SYNs that then arrive (SYN cookies or not: a full accept queue
 * drops them), so a dialer stays in SYN_SENT, retransmitting, until it gives up itself.
 */
public final class BlackHoleBackend implements AutoCloseable {
    /** Far longer than a loopback handshake takes, even on a busy machine. */
    private static final int PROBE_MS = 500;
    private static final int MAX_FILLERS = 8;

    private final ServerSocket server;
    private final List<Socket> fillers = new ArrayList<>();
    private final List<Socket> accepted = new ArrayList<>();

    public BlackHoleBackend() {
        try {
            server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            // How many connections the queue holds is the kernel's business (two for a backlog of
            // one on Linux): connect until one hangs, which also proves the hole works here.
            while (probeConnects()) {
                if (fillers.size() == MAX_FILLERS) {
                    close();
                    throw new IllegalStateException("connects to a full accept queue still complete on this system");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean probeConnects() throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(server.getLocalSocketAddress(), PROBE_MS);
            fillers.add(socket);
            return true;
        } catch (SocketTimeoutException e) {
            socket.close();
            return false;
        }
    }

    public String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Takes one connection off the full accept queue: the next retransmitted SYN then completes. */
    public void acceptOne() {
        try {
            accepted.add(server.accept());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            for (Socket socket : accepted) {
                socket.close();
            }
            for (Socket filler : fillers) {
                filler.close();
            }
            server.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
