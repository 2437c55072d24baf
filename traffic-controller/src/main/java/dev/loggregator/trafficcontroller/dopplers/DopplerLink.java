package dev.loggregator.trafficcontroller.dopplers;

import dev.loggregator.wire.framing.LinkSequence;
import dev.loggregator.wire.framing.MalformedBatchException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Map;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ServerHandshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection to one Doppler for one subscription. Each binary frame goes to the
 * subscription's {@link LinkFrames} (a batch, docs/internal-protocol.md, split into envelopes and
 * handed on unchanged); a frame that cannot be read closes the link with 1007 (it is re-dialled).
 */
public final class DopplerLink extends org.java_websocket.client.WebSocketClient {
    private static final Logger LOG = LoggerFactory.getLogger(DopplerLink.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 5000;

    private final DopplerSubscription subscription;
    private final DopplerSubscription.Slot slot;
    private final LinkFrames frames;
    private final boolean resumed;
    private volatile long lastPongNanos = System.nanoTime();
    private volatile String incarnation;
    private volatile long lastSequence;

    DopplerLink(URI uri, Map<String, String> headers, DopplerSubscription subscription, DopplerSubscription.Slot slot,
                LinkFrames frames, boolean resumed) {
        super(uri, new Draft_6455(), headers, CONNECT_TIMEOUT_MILLIS);
        this.subscription = subscription;
        this.slot = slot;
        this.frames = frames;
        this.resumed = resumed;
        // The connector pings all links from one thread; Java-WebSocket's own timer is a thread per link.
        setConnectionLostTimeout(0);
        setTcpNoDelay(true);
        setDaemon(true);
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
        incarnation = handshake.getFieldValue(LinkSequence.INCARNATION_HEADER);
        lastPongNanos = System.nanoTime();
        subscription.linkOpened(slot, this);
    }

    @Override
    public void onMessage(ByteBuffer frame) {
        try {
            lastSequence = Math.max(lastSequence, LinkSequence.read(frame));
            if (frame.hasRemaining()) {
                frames.frame(frame);
            }
        } catch (MalformedBatchException | IllegalArgumentException e) {
            LOG.warn("malformed batch from Doppler {}: {}; closing the link", getURI(), e.getMessage());
            subscription.malformedBatch();
            close(1007, "malformed batch");
        }
    }

    @Override
    public void onMessage(String message) {
        // The internal protocol has no text frames; ignore rather than drop the link.
    }

    @Override
    public void onWebsocketPong(WebSocket conn, Framedata frame) {
        lastPongNanos = System.nanoTime();
    }

    long lastPongNanos() {
        return lastPongNanos;
    }

    /** Whether this link re-dials an earlier one and asked the Doppler to replay what it missed. */
    public boolean resumed() {
        return resumed;
    }

    /**
     * What a re-dial of this link asks for: the Doppler's incarnation and the last sequence number read,
     * or null when the link never opened (the Doppler's incarnation is unknown).
     */
    String resumePoint() {
        String current = incarnation;
        return current == null || current.isEmpty() ? null : LinkSequence.resume(current, lastSequence);
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
        subscription.linkClosed(slot, this, code, reason);
    }

    @Override
    public void onError(Exception e) {
        LOG.debug("Doppler link {}: {}", getURI(), e.toString());
    }
}
