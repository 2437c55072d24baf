package dev.loggregator.trafficcontroller.stream;

import io.netty.buffer.ByteBuf;

/**
 * Server-to-client WebSocket binary frames (RFC 6455 §5.2: FIN, opcode 2, unmasked) written
 * straight into an outgoing buffer, so a batch of envelopes becomes one buffer of consecutive
 * frames instead of a frame object, a header buffer and an outbound entry each. The envelope
 * bytes are copied as they came from the Doppler, never re-encoded.
 */
final class BinaryFrames {
    private static final int FIN_BINARY = 0x82;

    private BinaryFrames() {
    }

    static int frameLength(int payloadLength) {
        return headerLength(payloadLength) + payloadLength;
    }

    static int headerLength(int payloadLength) {
        return payloadLength < 126 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
    }

    static void write(ByteBuf out, byte[] payload) {
        int length = payload.length;
        out.writeByte(FIN_BINARY);
        if (length < 126) {
            out.writeByte(length);
        } else if (length <= 0xFFFF) {
            out.writeByte(126);
            out.writeShort(length);
        } else {
            out.writeByte(127);
            out.writeLong(length);
        }
        out.writeBytes(payload);
    }
}
