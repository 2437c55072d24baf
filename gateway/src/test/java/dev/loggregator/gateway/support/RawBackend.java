package dev.loggregator.gateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A backend whose connections the test drives itself, byte by byte and FIN by FIN, on the test's
 * thread. With {@code answerUpgrade} each connection first gets its request head answered with a
 * 101, so the same script runs behind a WebSocket upgrade tunnel as behind a TCP-mode listener.
 */
public final class RawBackend implements AutoCloseable {
    private final ServerSocket server;
    private final boolean answerUpgrade;

    public RawBackend(boolean answerUpgrade) {
        this.answerUpgrade = answerUpgrade;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            server.setSoTimeout(15_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** The next connection from the gateway (after the 101, when answering upgrades); reads time out after 15 s. */
    public Socket accept() {
        try {
            Socket socket = server.accept();
            socket.setSoTimeout(15_000);
            if (answerUpgrade) {
                readHead(socket.getInputStream());
                socket.getOutputStream().write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
            }
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads byte by byte so nothing behind the head is consumed. */
    private static void readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b == -1) {
                throw new IOException("connection closed inside the request head");
            }
            head.write(b);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
