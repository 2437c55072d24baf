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
    /**
     * Dopplers are on the same private network: a connect that takes longer has lost its SYN, and a
     * fresh attempt (a new SYN at once) beats the kernel's own retry after 1 s and 3 s more, so a
     * healed partition is crossed within about a second.
     */
    static final int CONNECT_TIMEOUT_MILLIS = 1000;

    private final DopplerSubscription subscription;
    private final DopplerSubscription.Slot slot;
    private final LinkFrames frames;
    private final boolean resumed;
    private final long dialedNanos = System.nanoTime();
    /** The last time anything came from the Doppler: a frame or a pong. */
    private volatile long lastHeardNanos = System.nanoTime();
    /** Replaced by a newer link while it still delivers what the Doppler held for it (DopplerSubscription.stalled). */
    private volatile boolean retired;
    private volatile boolean opened;
    private volatile String incarnation;
    private volatile long lastSequence;

    DopplerLink(URI uri, DopplerSubscription subscription, DopplerSubscription.Slot slot, LinkFrames frames,
                boolean resumed) {
        super(uri, new Draft_6455(), Map.of(), CONNECT_TIMEOUT_MILLIS);
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
        lastHeardNanos = System.nanoTime();
        opened = true;
        subscription.linkOpened(slot, this);
    }

    @Override
    public void onMessage(ByteBuffer frame) {
        lastHeardNanos = System.nanoTime();
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
        lastHeardNanos = System.nanoTime();
    }

    long lastHeardNanos() {
        return lastHeardNanos;
    }

    /** Whether the handshake ever completed. */
    boolean opened() {
        return opened;
    }

    long dialedNanos() {
        return dialedNanos;
    }

    void retire() {
        retired = true;
    }

    boolean retired() {
        return retired;
    }

    DopplerSubscription subscription() {
        return subscription;
    }

    DopplerSubscription.Slot slot() {
        return slot;
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
