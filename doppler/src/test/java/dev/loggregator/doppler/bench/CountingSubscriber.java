package dev.loggregator.doppler.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import java.net.URI;
import dev.loggregator.wire.framing.LinkSequence;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/**
 * A firehose subscriber that counts envelopes by walking the batch's length prefixes (no
 * parsing), or, when recording latency, parses each envelope and reads the send time the load
 * generator put in the first 8 bytes of the log payload.
 */
final class CountingSubscriber extends WebSocketClient {
    private final AtomicLong received = new AtomicLong();
    private final LatencyRecorder latency;

    CountingSubscriber(String url, LatencyRecorder latency) {
        super(URI.create(url));
        this.latency = latency;
        // Pings every 15 s, as a Traffic Controller does: the Doppler closes links that stay silent for 45 s.
        setConnectionLostTimeout(15);
        // Read 256 KiB per system call instead of Java-WebSocket's default 64 KiB: the subscriber
        // should not be what limits a Doppler benchmark.
        setReceiveBufferSize(256 * 1024);
    }

    static CountingSubscriber connect(String url, LatencyRecorder latency) throws InterruptedException {
        CountingSubscriber subscriber = new CountingSubscriber(url, latency);
        if (!subscriber.connectBlocking(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("cannot connect to " + url);
        }
        return subscriber;
    }

    long received() {
        return received.get();
    }

    @Override
    public void onMessage(ByteBuffer frame) {
        long now = System.nanoTime();
        LinkSequence.read(frame);
        ByteBuffer batch = frame.order(ByteOrder.LITTLE_ENDIAN);
        int count = 0;
        while (batch.remaining() >= 4) {
            int length = batch.getInt();
            if (latency != null) {
                ByteBuffer envelope = batch.slice();
                envelope.limit(length);
                try {
                    ByteBuffer payload = Envelope.parseFrom(envelope).getLogMessage().getMessage().asReadOnlyByteBuffer();
                    if (payload.remaining() >= 8) {
                        latency.record(now - payload.getLong());
                    }
                } catch (InvalidProtocolBufferException e) {
                    throw new IllegalStateException(e);
                }
            }
            batch.position(batch.position() + length);
            count++;
        }
        received.addAndGet(count);
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
    }

    @Override
    public void onMessage(String message) {
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
    }

    @Override
    public void onError(Exception ex) {
    }
}
