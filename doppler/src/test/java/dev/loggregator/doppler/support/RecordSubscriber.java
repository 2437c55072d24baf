package dev.loggregator.doppler.support;

import dev.loggregator.wire.framing.EnvelopeBatch;
import dev.loggregator.wire.framing.LinkSequence;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/** A v2 link as a Traffic Controller holds one: keeps every batch record's bytes as they came (v2 protobuf or JSON). */
public final class RecordSubscriber extends WebSocketClient {
    private final ConcurrentLinkedQueue<byte[]> records = new ConcurrentLinkedQueue<>();
    private volatile int handshakeStatus;

    private RecordSubscriber(String url) {
        super(URI.create(url));
        setConnectionLostTimeout(0);
    }

    public static RecordSubscriber connect(String url) {
        RecordSubscriber subscriber = new RecordSubscriber(url);
        try {
            if (!subscriber.connectBlocking(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("cannot subscribe to " + url);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return subscriber;
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
        handshakeStatus = handshake.getHttpStatus();
    }

    @Override
    public void onMessage(String message) {
    }

    @Override
    public void onMessage(ByteBuffer frame) {
        LinkSequence.read(frame);
        records.addAll(EnvelopeBatch.decode(frame, 1 << 20));
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
    }

    @Override
    public void onError(Exception ex) {
    }

    public List<byte[]> records() {
        return new ArrayList<>(records);
    }

    public int handshakeStatus() {
        return handshakeStatus;
    }
}
