package dev.loggregator.gateway.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The Close frame (status 1001, "going away", RFC 6455 §7.4.1) the gateway sends both ways when a
 * draining gateway ends a WebSocket tunnel: unmasked to the client (a server's frame), masked to
 * the backend (a client's frame must be, §5.3; the payload is fixed, so the mask needs no strong
 * randomness).
 */
final class GoingAwayFrames {
    static final int GOING_AWAY = 1001;
    private static final byte[] REASON = "gateway going away".getBytes(StandardCharsets.US_ASCII);
    private static final int FIN_CLOSE = 0x80 | FrameBoundaries.OPCODE_CLOSE;

    private GoingAwayFrames() {
    }

    static ByteBuf toClient(ByteBufAllocator alloc) {
        ByteBuf frame = alloc.buffer(4 + REASON.length);
        frame.writeByte(FIN_CLOSE);
        frame.writeByte(2 + REASON.length);
        frame.writeShort(GOING_AWAY);
        frame.writeBytes(REASON);
        return frame;
    }

    static ByteBuf toBackend(ByteBufAllocator alloc) {
        byte[] payload = new byte[2 + REASON.length];
        payload[0] = (byte) (GOING_AWAY >> 8);
        payload[1] = (byte) GOING_AWAY;
        System.arraycopy(REASON, 0, payload, 2, REASON.length);
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        ByteBuf frame = alloc.buffer(6 + payload.length);
        frame.writeByte(FIN_CLOSE);
        frame.writeByte(0x80 | payload.length);
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.writeByte(payload[i] ^ mask[i & 3]);
        }
        return frame;
    }
}
