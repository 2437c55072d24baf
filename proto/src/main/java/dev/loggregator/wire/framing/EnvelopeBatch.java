package dev.loggregator.wire.framing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The Doppler to Traffic Controller batch (docs/internal-protocol.md): records of
 * {@link LengthPrefix} framing back to back, filling a WebSocket frame or an HTTP body exactly.
 */
public final class EnvelopeBatch {
    private EnvelopeBatch() {
    }

    public static byte[] encode(List<byte[]> envelopes) {
        byte[] batch = new byte[encodedSize(envelopes)];
        int position = 0;
        for (byte[] envelope : envelopes) {
            LengthPrefix.putLength(batch, position, envelope.length);
            System.arraycopy(envelope, 0, batch, position + LengthPrefix.PREFIX_BYTES, envelope.length);
            position += LengthPrefix.PREFIX_BYTES + envelope.length;
        }
        return batch;
    }

    public static int encodedSize(List<byte[]> envelopes) {
        int size = 0;
        for (byte[] envelope : envelopes) {
            size += encodedSize(envelope.length);
        }
        return size;
    }

    public static int encodedSize(int envelopeLength) {
        return LengthPrefix.PREFIX_BYTES + envelopeLength;
    }

    public static List<byte[]> decode(byte[] batch, int maxEnvelopeBytes) {
        return decode(ByteBuffer.wrap(batch), maxEnvelopeBytes);
    }

    /** Splits a batch into envelopes; consumes the buffer. */
    public static List<byte[]> decode(ByteBuffer batch, int maxEnvelopeBytes) {
        ByteBuffer buffer = batch.slice().order(ByteOrder.LITTLE_ENDIAN);
        List<byte[]> envelopes = new ArrayList<>();
        while (buffer.hasRemaining()) {
            if (buffer.remaining() < LengthPrefix.PREFIX_BYTES) {
                throw new MalformedBatchException("batch ends inside a length prefix");
            }
            long length = buffer.getInt() & 0xFFFFFFFFL;
            if (length > maxEnvelopeBytes) {
                throw new MalformedBatchException("record of " + length + " bytes exceeds the maximum of "
                        + maxEnvelopeBytes + " bytes");
            }
            if (length > buffer.remaining()) {
                throw new MalformedBatchException("record of " + length + " bytes but only "
                        + buffer.remaining() + " bytes left in the batch");
            }
            byte[] envelope = new byte[(int) length];
            buffer.get(envelope);
            envelopes.add(envelope);
        }
        batch.position(batch.limit());
        return envelopes;
    }
}
