package dev.loggregator.gateway.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** Frame boundaries in a WebSocket byte stream, however the reads split it. */
class FrameBoundariesTest {

    /** A frame with {@code length} payload bytes, masked (client's) or not, with a 7-, 16- or 64-bit length. */
    static byte[] frame(int opcode, int length, boolean masked) {
        ByteBuf buf = Unpooled.buffer();
        buf.writeByte(0x80 | opcode);
        int mask = masked ? 0x80 : 0;
        if (length < 126) {
            buf.writeByte(mask | length);
        } else if (length < 65_536) {
            buf.writeByte(mask | 126).writeShort(length);
        } else {
            buf.writeByte(mask | 127).writeLong(length);
        }
        if (masked) {
            buf.writeInt(0x11223344);
        }
        buf.writeZero(length);
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuf buf = Unpooled.buffer();
        for (byte[] part : parts) {
            buf.writeBytes(part);
        }
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }

    @Test
    void followsFramesOfEveryLengthFormWhereverTheReadsSplitThem() {
        for (boolean masked : new boolean[] {false, true}) {
            byte[] stream = concat(frame(0x2, 5, masked), frame(0x1, 300, masked), frame(0x2, 70_000, masked), frame(0x9, 0, masked));
            for (int split = 0; split <= stream.length; split += split < 40 ? 1 : 997) {
                FrameBoundaries frames = new FrameBoundaries();
                frames.scan(Unpooled.wrappedBuffer(stream, 0, split));
                frames.scan(Unpooled.wrappedBuffer(stream, split, stream.length - split));
                assertTrue(frames.atBoundary(), "split at " + split + (masked ? " (masked)" : ""));
                assertFalse(frames.closeSeen());
            }
        }
    }

    @Test
    void knowsWhenItIsInsideAFrameOrItsHeader() {
        byte[] stream = frame(0x2, 300, false);
        FrameBoundaries frames = new FrameBoundaries();
        frames.scan(Unpooled.wrappedBuffer(stream, 0, 3)); // inside the 4-byte header
        assertFalse(frames.atBoundary());
        frames.scan(Unpooled.wrappedBuffer(stream, 3, 100));
        assertFalse(frames.atBoundary());
        frames.scan(Unpooled.wrappedBuffer(stream, 103, stream.length - 103));
        assertTrue(frames.atBoundary());
    }

    @Test
    void scanToBoundaryStopsAtTheEndOfTheFrameInProgress() {
        byte[] first = frame(0x2, 1000, false);
        byte[] stream = concat(first, frame(0x2, 10, false));
        FrameBoundaries frames = new FrameBoundaries();
        frames.scan(Unpooled.wrappedBuffer(stream, 0, 500));

        ByteBuf rest = Unpooled.wrappedBuffer(stream, 500, stream.length - 500);
        assertEquals(first.length - 500, frames.scanToBoundary(rest));
        assertEquals(0, rest.readerIndex(), "a scan moves no index");
        assertTrue(frames.atBoundary());
        assertEquals(0, frames.scanToBoundary(rest.skipBytes(first.length - 500)), "at a boundary nothing more belongs to the frame");
    }

    @Test
    void scanToBoundaryTakesAllWhenTheFrameGoesOnBeyondTheRead() {
        byte[] stream = frame(0x2, 1000, true);
        FrameBoundaries frames = new FrameBoundaries();
        frames.scan(Unpooled.wrappedBuffer(stream, 0, 1)); // half a header
        assertEquals(499, frames.scanToBoundary(Unpooled.wrappedBuffer(stream, 1, 499)));
        assertFalse(frames.atBoundary());
    }

    @Test
    void seesACloseFrame() {
        FrameBoundaries frames = new FrameBoundaries();
        frames.scan(Unpooled.wrappedBuffer(concat(frame(0x1, 3, true), frame(FrameBoundaries.OPCODE_CLOSE, 2, true))));
        assertTrue(frames.closeSeen());
        assertTrue(frames.atBoundary());
    }

    @Test
    void bytesThatAreNoWebSocketFramingAreMarkedLost() {
        FrameBoundaries reserved = new FrameBoundaries();
        reserved.scan(Unpooled.wrappedBuffer(new byte[] {(byte) 0x83, 0}));
        assertTrue(reserved.lost());
        assertFalse(reserved.atBoundary(), "no Close may be put into a stream that is not understood");

        FrameBoundaries longPing = new FrameBoundaries();
        longPing.scan(Unpooled.wrappedBuffer(new byte[] {(byte) 0x89, 126, 0, (byte) 200}));
        assertTrue(longPing.lost(), "control frames carry at most 125 bytes");

        FrameBoundaries text = new FrameBoundaries();
        text.scan(Unpooled.wrappedBuffer("GET / HTTP/1.1\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        assertTrue(text.lost());
    }
}
