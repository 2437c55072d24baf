package dev.loggregator.gateway.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Follows one direction of a WebSocket tunnel frame by frame (RFC 6455 §5.2) without copying or
 * changing a byte: the relay must know where a frame ends to put a Close frame of its own into the
 * stream at the drain deadline, and whether the sender already sent its Close. Only headers are
 * read (a few bytes per frame); payloads are skipped by their length. A stream that breaks the
 * framing rules is marked lost, and the relay then just closes the connections as for TCP.
 */
final class FrameBoundaries {
    static final int OPCODE_CLOSE = 0x8;
    private static final int MAX_HEADER = 14;

    /** Payload bytes of the current frame that are still to come. */
    private long payloadLeft;
    /** A header split across reads, gathered here until it is whole. */
    private final byte[] header = new byte[MAX_HEADER];
    private int headerHave;
    private boolean closeSeen;
    private boolean lost;

    /** Between two frames: a Close frame may go in here. */
    boolean atBoundary() {
        return !lost && payloadLeft == 0 && headerHave == 0;
    }

    /** The sender sent a Close frame (its payload may still be on its way). */
    boolean closeSeen() {
        return closeSeen;
    }

    boolean lost() {
        return lost;
    }

    /** Follows every readable byte of {@code buf}. */
    void scan(ByteBuf buf) {
        advance(buf, buf.readerIndex(), buf.writerIndex(), false);
    }

    /**
     * Follows {@code buf} to the end of the frame in progress and returns how many of its readable
     * bytes that takes: 0 at a boundary, all of them when the frame goes on beyond {@code buf}.
     */
    int scanToBoundary(ByteBuf buf) {
        if (atBoundary()) {
            return 0;
        }
        return advance(buf, buf.readerIndex(), buf.writerIndex(), true) - buf.readerIndex();
    }

    private int advance(ByteBuf buf, int from, int to, boolean stopAtBoundary) {
        int i = from;
        while (i < to && !lost) {
            if (payloadLeft > 0) {
                long skip = Math.min(payloadLeft, to - i);
                i += (int) skip;
                payloadLeft -= skip;
            } else if (headerHave == 0 && to - i >= 2 && to - i >= headerLength(buf.getByte(i + 1))) {
                i += header(buf, i);
            } else {
                header[headerHave++] = buf.getByte(i++);
                if (headerHave >= 2 && headerHave == headerLength(header[1])) {
                    header(Unpooled.wrappedBuffer(header, 0, headerHave), 0);
                    headerHave = 0;
                }
            }
            if (stopAtBoundary && atBoundary()) {
                break;
            }
        }
        return i;
    }

    private static int headerLength(byte second) {
        int length7 = second & 0x7F;
        return 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + ((second & 0x80) != 0 ? 4 : 0);
    }

    /** Reads the whole header at {@code at}; returns its length. */
    private int header(ByteBuf buf, int at) {
        int first = buf.getByte(at) & 0xFF;
        int second = buf.getByte(at + 1) & 0xFF;
        int opcode = first & 0x0F;
        int length7 = second & 0x7F;
        long length = length7 == 126 ? buf.getUnsignedShort(at + 2) : length7 == 127 ? buf.getLong(at + 2) : length7;
        boolean control = opcode >= 0x8;
        if (length < 0 || (opcode > 0x2 && opcode < 0x8) || opcode > 0xA || (control && (length > 125 || (first & 0x80) == 0))) {
            lost = true;
            return headerLength((byte) second);
        }
        if (opcode == OPCODE_CLOSE) {
            closeSeen = true;
        }
        payloadLeft = length;
        return headerLength((byte) second);
    }
}
