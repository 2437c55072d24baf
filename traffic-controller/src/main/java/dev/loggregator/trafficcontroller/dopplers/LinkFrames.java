package dev.loggregator.trafficcontroller.dopplers;

import dev.loggregator.wire.framing.EnvelopeBatch;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * What a subscription does with its Doppler links: what to tell a link once it is open, and how to
 * read its frames. Called on the link's event loop, which many links share: must not block.
 */
public interface LinkFrames {
    /** The link's handshake completed; called with the subscription locked (see {@link DopplerSubscription#sendToOpenLinks}). */
    default void opened(DopplerLink link) {
    }

    /** One binary frame; a {@code MalformedBatchException} or {@code IllegalArgumentException} closes the link with 1007. */
    void frame(ByteBuffer frame);

    /** Plain batches (docs/internal-protocol.md) handed to {@code sink}, one call per non-empty frame. */
    static LinkFrames batches(EnvelopeSink sink, int maxEnvelopeBytes) {
        return frame -> {
            List<byte[]> envelopes = EnvelopeBatch.decode(frame, maxEnvelopeBytes);
            if (!envelopes.isEmpty()) {
                sink.deliver(envelopes);
            }
        };
    }
}
