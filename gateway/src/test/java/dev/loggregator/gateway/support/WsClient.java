package dev.loggregator.gateway.support;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/** A Java-WebSocket client that queues what it receives. */
public final class WsClient extends WebSocketClient {
    public final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
    public volatile int closeCode = -1;
    public volatile Exception error;
    /** Tests with self-signed certificates for made-up names turn host name verification off. */
    public volatile boolean verifyHostname = true;

    public WsClient(URI uri, Map<String, String> headers) {
        super(uri, headers);
    }

    public static WsClient connect(URI uri, Map<String, String> headers) throws InterruptedException {
        WsClient client = new WsClient(uri, headers);
        if (!client.connectBlocking(15, TimeUnit.SECONDS)) {
            throw new IllegalStateException("WebSocket handshake to " + uri + " failed: " + client.error);
        }
        return client;
    }

    public String next() throws InterruptedException {
        String message = messages.poll(15, TimeUnit.SECONDS);
        if (message == null) {
            // What the connection looked like then tells a lost frame from a closed or broken connection.
            throw new IllegalStateException("no message within 15 s (open: " + isOpen() + ", close code: " + closeCode
                    + ", error: " + error + ")");
        }
        return message;
    }

    @Override
    protected void onSetSSLParameters(javax.net.ssl.SSLParameters parameters) {
        if (verifyHostname) {
            super.onSetSSLParameters(parameters);
        }
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
    }

    @Override
    public void onMessage(String message) {
        messages.add(message);
    }

    @Override
    public void onMessage(java.nio.ByteBuffer bytes) {
        messages.add("binary:" + bytes.remaining());
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
        closeCode = code;
    }

    @Override
    public void onError(Exception ex) {
        error = ex;
    }
}
