package dev.loggregator.doppler.egress;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/**
 * Writes the internal batch layout (docs/internal-protocol.md) straight into a Netty buffer:
 * records of a 4-byte little-endian length and one marshalled v1 envelope. Same layout as
 * {@code dev.loggregator.wire.framing.EnvelopeBatch}, without an intermediate byte array.
 */
final class BatchEncoding {
    static final int RECORD_HEADER_BYTES = 4;

    private BatchEncoding() {
    }

    static void append(ByteBuf batch, byte[] envelope) {
        batch.writeIntLE(envelope.length);
        batch.writeBytes(envelope);
    }

    static ByteBuf encode(ByteBufAllocator alloc, List<byte[]> envelopes) {
        int size = 0;
        for (byte[] envelope : envelopes) {
            size += RECORD_HEADER_BYTES + envelope.length;
        }
        ByteBuf batch = alloc.buffer(size);
        for (byte[] envelope : envelopes) {
            append(batch, envelope);
        }
        return batch;
    }
}
