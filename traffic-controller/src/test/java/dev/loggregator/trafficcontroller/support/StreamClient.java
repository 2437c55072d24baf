package dev.loggregator.trafficcontroller.support;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ServerHandshake;

/** A WebSocket consumer as noaa is one: collects every binary frame (one envelope each) and how the stream ended. */
public class StreamClient extends WebSocketClient {
    public static final String PROBE = "probe-";

    private final List<byte[]> frames = new CopyOnWriteArrayList<>();
    private final boolean answerPings;
    private volatile int closeCode = -2;
    private volatile String closeReason;
    private volatile boolean remoteClose;
    private volatile int handshakeStatus;
    private final java.util.concurrent.atomic.AtomicInteger pings = new java.util.concurrent.atomic.AtomicInteger();

    private StreamClient(URI uri, Map<String, String> headers, boolean answerPings) {
        super(uri, headers);
        this.answerPings = answerPings;
        setConnectionLostTimeout(0);
    }

    /** Connects and waits for the upgrade; the client answers pings as gorilla does unless told not to. */
    public static StreamClient open(String url, String authorization, boolean answerPings) throws InterruptedException {
        Map<String, String> headers = new HashMap<>();
        if (authorization != null) {
            headers.put("Authorization", authorization);
        }
        StreamClient client = new StreamClient(URI.create(url), headers, answerPings);
        if (!client.connectBlocking(20, TimeUnit.SECONDS)) {
            throw new AssertionError("could not open " + url + ": close " + client.closeCode + " " + client.closeReason);
        }
        return client;
    }

    public static StreamClient open(String url, String authorization) throws InterruptedException {
        return open(url, authorization, true);
    }

    public static StreamClient openWithHeaders(String url, Map<String, String> headers) throws InterruptedException {
        StreamClient client = new StreamClient(URI.create(url), headers, true);
        if (!client.connectBlocking(20, TimeUnit.SECONDS)) {
            throw new AssertionError("could not open " + url + ": close " + client.closeCode + " " + client.closeReason);
        }
        return client;
    }

    /** Over wss://, trusting {@code tls}'s trust material; the test certificate names no IP, so no host check. */
    public static StreamClient openTls(String url, javax.net.ssl.SSLContext tls) throws InterruptedException {
        StreamClient client = new StreamClient(URI.create(url), Map.of(), true) {
            @Override
            protected void onSetSSLParameters(javax.net.ssl.SSLParameters parameters) {
                // no endpoint identification
            }
        };
        client.setSocketFactory(tls.getSocketFactory());
        if (!client.connectBlocking(20, TimeUnit.SECONDS)) {
            throw new AssertionError("could not open " + url + ": close " + client.closeCode + " " + client.closeReason);
        }
        return client;
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
        handshakeStatus = handshake.getHttpStatus();
    }

    @Override
    public void onMessage(String message) {
        throw new AssertionError("text frame from the Traffic Controller: " + message);
    }

    @Override
    public void onMessage(ByteBuffer bytes) {
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        frames.add(copy);
    }

    @Override
    public void onWebsocketPing(WebSocket conn, Framedata frame) {
        pings.incrementAndGet();
        if (answerPings) {
            super.onWebsocketPing(conn, frame);
        }
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
        closeReason = reason;
        remoteClose = remote;
        closeCode = code;
    }

    @Override
    public void onError(Exception ex) {
        // surfaced through closeCode
    }

    /** Pings received from the Traffic Controller. */
    public int pings() {
        return pings.get();
    }

    public List<byte[]> frames() {
        return frames;
    }

    /** LogMessage texts received, without probes. */
    public List<String> texts() {
        List<String> texts = new ArrayList<>();
        for (byte[] frame : frames) {
            String text = Envelopes.text(frame);
            if (text != null && !text.startsWith(PROBE)) {
                texts.add(text);
            }
        }
        return texts;
    }

    /** TruncatingBuffer drop notices received (the LGR log line of each notice pair). */
    public long dropNotices() {
        return texts().stream().filter(text -> text.startsWith("Log message output is too high.")).count();
    }

    public boolean receivedProbe(String prefix) {
        for (byte[] frame : frames) {
            String text = Envelopes.text(frame);
            if (text != null && text.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** -2 while open. */
    public int closeCode() {
        return closeCode;
    }

    public String closeReason() {
        return closeReason;
    }

    public boolean closedByServer() {
        return remoteClose;
    }
}
