package dev.loggregator.trafficcontroller.dopplers;

import dev.loggregator.wire.framing.EnvelopeBatch;
import dev.loggregator.wire.framing.MalformedBatchException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ServerHandshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection to one Doppler for one subscription. Each binary frame is a batch
 * (docs/internal-protocol.md) that is split into envelopes and handed to the subscription's sink
 * unchanged; a frame whose records do not add up closes the link with 1007 (it is re-dialled).
 */
final class DopplerLink extends org.java_websocket.client.WebSocketClient {
    private static final Logger LOG = LoggerFactory.getLogger(DopplerLink.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 5000;

    private final DopplerSubscription subscription;
    private final DopplerSubscription.Slot slot;
    private final EnvelopeSink sink;
    private final int maxEnvelopeBytes;
    private volatile long lastPongNanos = System.nanoTime();

    DopplerLink(URI uri, DopplerSubscription subscription, DopplerSubscription.Slot slot, EnvelopeSink sink,
                int maxEnvelopeBytes, int readBufferBytes) {
        super(uri, new Draft_6455(), Map.of(), CONNECT_TIMEOUT_MILLIS);
        this.subscription = subscription;
        this.slot = slot;
        this.sink = sink;
        this.maxEnvelopeBytes = maxEnvelopeBytes;
        // The connector pings all links from one thread; Java-WebSocket's own timer is a thread per link.
        setConnectionLostTimeout(0);
        setTcpNoDelay(true);
        setDaemon(true);
        if (readBufferBytes > 0) {
            // Java-WebSocket allocates this per link for its reader (64 KiB by default) and sizes SO_RCVBUF with it.
            setReceiveBufferSize(readBufferBytes);
        }
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
        lastPongNanos = System.nanoTime();
        subscription.linkOpened(slot, this);
    }

    @Override
    public void onMessage(ByteBuffer frame) {
        List<byte[]> envelopes;
        try {
            envelopes = EnvelopeBatch.decode(frame, maxEnvelopeBytes);
        } catch (MalformedBatchException | IllegalArgumentException e) {
            LOG.warn("malformed batch from Doppler {}: {}; closing the link", getURI(), e.getMessage());
            subscription.malformedBatch();
            close(1007, "malformed batch");
            return;
        }
        if (!envelopes.isEmpty()) {
            sink.deliver(envelopes);
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

    @Override
    public void onClose(int code, String reason, boolean remote) {
        subscription.linkClosed(slot, this, code, reason);
    }

    @Override
    public void onError(Exception e) {
        LOG.debug("Doppler link {}: {}", getURI(), e.toString());
    }
}
