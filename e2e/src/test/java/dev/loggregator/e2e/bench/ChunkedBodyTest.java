package dev.loggregator.e2e.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkedBodyTest {
    private static final byte[] BODY = ("4\r\nWiki\r\n6;name=value\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n10\r\n"
            + "0123456789abcdef\r\n0\r\nExpires: never\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    @Test
    void decodesWhateverPiecesTheBytesArriveIn() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ChunkedBody body = new ChunkedBody(out::write);
            int at = 0;
            while (at < BODY.length) {
                int n = Math.min(BODY.length - at, 1 + random.nextInt(round % 2 == 0 ? 3 : 40));
                assertFalse(body.done());
                body.feed(BODY, at, n);
                at += n;
            }
            assertEquals("Wikipedia in \r\n\r\nchunks.0123456789abcdef", out.toString(StandardCharsets.US_ASCII));
            assertTrue(body.done());
        }
    }

    @Test
    void refusesBrokenFraming() {
        ChunkedBody body = new ChunkedBody((bytes, offset, length) -> { });
        assertThrows(IllegalStateException.class, () -> body.feed("zz\r\n".getBytes(StandardCharsets.US_ASCII), 0, 4));
        ChunkedBody noCrlf = new ChunkedBody((bytes, offset, length) -> { });
        byte[] bytes = "2\r\nabX".getBytes(StandardCharsets.US_ASCII);
        assertThrows(IllegalStateException.class, () -> noCrlf.feed(bytes, 0, bytes.length));
    }
}
