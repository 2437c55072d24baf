package dev.loggregator.gateway.support;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * A real WebSocket backend (Java-WebSocket) on loopback: echoes text and binary frames with its
 * name prefixed to text, records each handshake's headers, and counts connections.
 */
public final class WsBackend extends WebSocketServer implements AutoCloseable {
    private final String name;
    private final CountDownLatch started = new CountDownLatch(1);
    public final ConcurrentLinkedQueue<Map<String, String>> handshakes = new ConcurrentLinkedQueue<>();
    public final AtomicInteger opened = new AtomicInteger();
    /** The close code of every connection that ended, as this server saw it. */
    public final ConcurrentLinkedQueue<Integer> closeCodes = new ConcurrentLinkedQueue<>();

    public WsBackend(String name) {
        super(new InetSocketAddress("127.0.0.1", 0));
        this.name = name;
        setReuseAddr(true);
        start();
        try {
            if (!started.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("WebSocket backend did not start");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String address() {
        return "127.0.0.1:" + getPort();
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
        Map<String, String> headers = new HashMap<>();
        for (Iterator<String> it = handshake.iterateHttpFields(); it.hasNext(); ) {
            String field = it.next();
            headers.put(field.toLowerCase(), handshake.getFieldValue(field));
        }
        headers.put(":path", handshake.getResourceDescriptor());
        handshakes.add(headers);
        opened.incrementAndGet();
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
        conn.send(name + ":" + message);
    }

    @Override
    public void onMessage(WebSocket conn, ByteBuffer message) {
        conn.send(message);
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        closeCodes.add(code);
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
    }

    @Override
    public void onStart() {
        started.countDown();
    }

    /** Sends {@code text} to every open connection. */
    public void broadcastText(String text) {
        broadcast(text);
    }

    @Override
    public void close() {
        try {
            stop(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
