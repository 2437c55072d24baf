package dev.loggregator.doppler.support;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.loggregator.wire.framing.EnvelopeBatch;
import dev.loggregator.wire.framing.LinkSequence;
import dev.loggregator.wire.multiplex.AppStreamMultiplex;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/**
 * A subscriber as a Traffic Controller is one: a Java-WebSocket client that decodes every binary
 * frame as a batch (docs/internal-protocol.md) and keeps the envelopes. Can be made slow: while
 * {@link #pause()}d it blocks its reading thread, so TCP back-pressure reaches the Doppler.
 */
public final class BatchSubscriber extends WebSocketClient {
    private final ConcurrentLinkedQueue<Envelope> received = new ConcurrentLinkedQueue<>();
    /** Multiplexed app-stream links only: each envelope with the app tag of its frame. */
    private final ConcurrentLinkedQueue<Map.Entry<String, Envelope>> tagged = new ConcurrentLinkedQueue<>();
    private final boolean multiplexed;
    private final AtomicInteger frames = new AtomicInteger();
    private volatile CountDownLatch paused;
    private volatile int closeCode = -1;
    private volatile String closeReason;
    private volatile String protocolError;
    private volatile long lastSequence;
    private volatile String incarnation;

    public BatchSubscriber(String url) {
        this(url, false);
    }

    private BatchSubscriber(String url, boolean multiplexed) {
        super(URI.create(url));
        this.multiplexed = multiplexed;
        setConnectionLostTimeout(0);
    }

    public static BatchSubscriber connect(String url) {
        return connect(url, false);
    }

    /** A multiplexed app-stream link (url ends in /app-streams): frames are read as tag + batch. */
    public static BatchSubscriber connectMultiplexed(String url) {
        return connect(url, true);
    }

    private static BatchSubscriber connect(String url, boolean multiplexed) {
        BatchSubscriber subscriber = new BatchSubscriber(url, multiplexed);
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
        incarnation = handshake.getFieldValue(LinkSequence.INCARNATION_HEADER);
    }

    /** The Doppler's incarnation from the handshake (LinkSequence). */
    public String incarnation() {
        return incarnation;
    }

    /** The resume value a re-dial of this link would send. */
    public String resumePoint() {
        return LinkSequence.resume(incarnation, lastSequence);
    }

    @Override
    public void onMessage(String message) {
        protocolError = "unexpected text frame: " + message;
    }

    @Override
    public void onMessage(ByteBuffer frame) {
        CountDownLatch gate = paused;
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        lastSequence = Math.max(lastSequence, LinkSequence.read(frame));
        if (!frame.hasRemaining()) {
            return; // only the sequence number: an idle link's announcement
        }
        frames.incrementAndGet();
        String tag = multiplexed ? AppStreamMultiplex.readTag(frame) : null;
        for (byte[] bytes : EnvelopeBatch.decode(frame, 1 << 20)) {
            try {
                Envelope envelope = Envelope.parseFrom(bytes);
                received.add(envelope);
                if (tag != null) {
                    tagged.add(Map.entry(tag, envelope));
                }
            } catch (InvalidProtocolBufferException e) {
                protocolError = "undecodable envelope: " + e.getMessage();
            }
        }
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
        closeReason = reason;
        closeCode = code;
    }

    @Override
    public void onError(Exception ex) {
    }

    /** From now on the reading thread blocks on the next frame until {@link #resume()}. */
    public void pause() {
        paused = new CountDownLatch(1);
    }

    public void resume() {
        CountDownLatch gate = paused;
        paused = null;
        if (gate != null) {
            gate.countDown();
        }
    }

    public List<Envelope> envelopes() {
        return new ArrayList<>(received);
    }

    public List<Envelope> envelopes(Predicate<Envelope> filter) {
        return received.stream().filter(filter).toList();
    }

    public int count(Predicate<Envelope> filter) {
        return (int) received.stream().filter(filter).count();
    }

    /** Multiplexed: the envelopes that came in frames tagged {@code app}. */
    public List<Envelope> envelopesTagged(String app) {
        return tagged.stream().filter(entry -> entry.getKey().equals(app)).map(Map.Entry::getValue).toList();
    }

    /** Multiplexed: every app tag seen, with its envelopes. */
    public List<Map.Entry<String, Envelope>> tagged() {
        return new ArrayList<>(tagged);
    }

    /** The highest link sequence number read (LinkSequence). */
    public long lastSequence() {
        return lastSequence;
    }

    public int frames() {
        return frames.get();
    }

    public int closeCode() {
        return closeCode;
    }

    public String closeReason() {
        return closeReason;
    }

    public String protocolError() {
        return protocolError;
    }
}
