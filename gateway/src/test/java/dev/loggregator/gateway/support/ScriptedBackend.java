package dev.loggregator.gateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A misbehaving backend on a raw socket: it accepts, reads one request (head and
 * {@code Content-Length} body), records it, then does what its {@link Behaviour} says. Used for
 * the failure cases a real server will not produce on demand.
 */
public final class ScriptedBackend implements AutoCloseable {
    public enum Behaviour {
        /** Reads the request, then resets the connection without answering (a crash mid-request). */
        RESET_AFTER_REQUEST,
        /** Reads the request and never answers. */
        SILENT,
        /** Reads the request, answers {@code 100 Continue}, then nothing more. */
        CONTINUE_THEN_SILENT,
        /** Reads the request, answers {@code 100 Continue} and then 200 "ok", and closes. */
        CONTINUE_THEN_OK,
        /** Reads a request that asked for no upgrade and answers 101 anyway, then raw bytes. */
        UNASKED_SWITCH,
        /** Reads everything and writes it back raw, forever (TCP mode). */
        ECHO,
        /** Answers 101 with bytes right behind it in the same write, then echoes raw bytes. */
        UPGRADE_THEN_ECHO,
        /** A keep-alive HTTP server: answers every request on a connection with 200 "ok". */
        KEEP_ALIVE,
        /** Writes 64 KiB blocks as fast as the connection takes them, without reading (TCP mode). */
        FLOOD_RAW,
        /** Reads a request, then answers 200 with a chunk and a bad chunk size; waits for the gateway to close. */
        BAD_CHUNK,
        /** Reads a request, then answers 200 with an endless chunked body. */
        FLOOD_HTTP
    }

    private final ServerSocket server;
    private final Behaviour behaviour;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    public final AtomicInteger accepted = new AtomicInteger();
    /** Connections the gateway closed (seen by BAD_CHUNK). */
    public final AtomicInteger closedByGateway = new AtomicInteger();
    public final java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
    public final ConcurrentLinkedQueue<String> requests = new ConcurrentLinkedQueue<>();
    /** For each request read by the one-request behaviours: when its connection was accepted (System.nanoTime()). */
    public final ConcurrentLinkedQueue<Long> requestConnectionAcceptedAt = new ConcurrentLinkedQueue<>();

    public ScriptedBackend(Behaviour behaviour) {
        this.behaviour = behaviour;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "scripted-backend-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                long acceptedAt = System.nanoTime();
                accepted.incrementAndGet();
                sockets.add(socket);
                Thread worker = new Thread(() -> serve(socket, acceptedAt), "scripted-connection");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket, long acceptedAt) {
        try {
            InputStream in = socket.getInputStream();
            if (behaviour == Behaviour.ECHO) {
                byte[] buffer = new byte[8192];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    requests.add(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                    socket.getOutputStream().write(buffer, 0, n);
                }
                socket.close();
                return;
            }
            if (behaviour == Behaviour.FLOOD_RAW) {
                flood(socket, new byte[65_536]);
                return;
            }
            if (behaviour == Behaviour.KEEP_ALIVE) {
                while (true) {
                    String request = readRequest(in);
                    if (request.isEmpty()) {
                        socket.close();
                        return;
                    }
                    requests.add(request);
                    socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                }
            }
            String request = readRequest(in);
            requestConnectionAcceptedAt.add(acceptedAt);
            requests.add(request);
            if (behaviour == Behaviour.FLOOD_HTTP) {
                socket.getOutputStream().write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = new byte[65_536 + 12];
                byte[] size = "10000\r\n".getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(size, 0, chunk, 0, size.length);
                chunk[size.length + 65_536] = '\r';
                chunk[size.length + 65_537] = '\n';
                flood(socket, java.util.Arrays.copyOf(chunk, size.length + 65_538));
                return;
            }
            if (behaviour == Behaviour.CONTINUE_THEN_SILENT) {
                socket.getOutputStream().write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            if (behaviour == Behaviour.CONTINUE_THEN_OK) {
                socket.getOutputStream().write(("HTTP/1.1 100 Continue\r\n\r\n"
                        + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok").getBytes(StandardCharsets.US_ASCII));
                socket.close();
                return;
            }
            if (behaviour == Behaviour.UNASKED_SWITCH) {
                socket.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: custom\r\nConnection: Upgrade\r\n\r\n"
                        + "\u0000\u0001raw").getBytes(StandardCharsets.US_ASCII));
                return;
            }
            if (behaviour == Behaviour.BAD_CHUNK) {
                socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5\r\nhello\r\nzz\r\n").getBytes(StandardCharsets.US_ASCII));
                while (in.read() != -1) {
                    // whatever else comes, until the gateway closes
                }
                closedByGateway.incrementAndGet();
                return;
            }
            if (behaviour == Behaviour.UPGRADE_THEN_ECHO) {
                socket.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
                        + "early-from-backend|").getBytes(StandardCharsets.US_ASCII));
                byte[] buffer = new byte[8192];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    socket.getOutputStream().write(buffer, 0, n);
                }
                socket.close();
                return;
            }
            if (behaviour == Behaviour.RESET_AFTER_REQUEST) {
                socket.setSoLinger(true, 0);
                socket.close();
            }
        } catch (IOException e) {
            // the gateway closed: fine
        }
    }

    private void flood(Socket socket, byte[] block) throws IOException {
        while (true) {
            socket.getOutputStream().write(block);
            written.addAndGet(block.length);
        }
    }

    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            String text = head.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n")) {
                int length = 0;
                for (String line : text.split("\r\n")) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                return text + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        try {
            server.close();
            for (Socket socket : sockets) {
                socket.close();
            }
        } catch (IOException ignored) {
            // closing
        }
    }
}
