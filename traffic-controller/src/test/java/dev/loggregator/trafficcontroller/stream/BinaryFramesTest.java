package dev.loggregator.trafficcontroller.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import org.junit.jupiter.api.Test;

/** Our frames read back by Netty's own client-side frame decoder, at each length encoding's edges. */
class BinaryFramesTest {
    @Test
    void framesOfEveryLengthEncodingDecodeToTheirPayload() {
        int[] lengths = {0, 1, 125, 126, 127, 65535, 65536, 300_000};
        ByteBuf wire = Unpooled.buffer();
        for (int length : lengths) {
            byte[] payload = new byte[length];
            for (int i = 0; i < length; i++) {
                payload[i] = (byte) (i * 31 + length);
            }
            assertEquals(BinaryFrames.frameLength(length), BinaryFrames.headerLength(length) + length);
            int before = wire.writerIndex();
            BinaryFrames.write(wire, payload);
            assertEquals(BinaryFrames.frameLength(length), wire.writerIndex() - before);
        }
        // A client decoder: expects unmasked frames from the server.
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1 << 20));
        client.writeInbound(wire);
        for (int length : lengths) {
            BinaryWebSocketFrame frame = client.readInbound();
            byte[] got = new byte[frame.content().readableBytes()];
            frame.content().readBytes(got);
            frame.release();
            byte[] expected = new byte[length];
            for (int i = 0; i < length; i++) {
                expected[i] = (byte) (i * 31 + length);
            }
            assertArrayEquals(expected, got, "length " + length);
        }
        client.finishAndReleaseAll();
    }
}
