package dev.loggregator.wire.multiplex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.wire.framing.EnvelopeBatch;
import dev.loggregator.wire.framing.MalformedBatchException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class AppStreamMultiplexTest {
    @Test
    void tagThenRecordsRoundTrip() {
        String app = "ä-app/with spaces+";
        byte[] tag = AppStreamMultiplex.tag(app);
        byte[] records = EnvelopeBatch.encode(List.of(new byte[] {1, 2, 3}, new byte[] {4}));
        ByteBuffer frame = ByteBuffer.allocate(tag.length + records.length).put(tag).put(records).flip();

        assertEquals(app, AppStreamMultiplex.readTag(frame));
        List<byte[]> envelopes = EnvelopeBatch.decode(frame, 1024);
        assertEquals(2, envelopes.size());
        assertEquals(4, envelopes.get(1)[0]);
    }

    @Test
    void badTagsAreMalformed() {
        assertThrows(MalformedBatchException.class, () -> AppStreamMultiplex.readTag(ByteBuffer.wrap(new byte[] {0})));
        assertThrows(MalformedBatchException.class, () -> AppStreamMultiplex.readTag(ByteBuffer.wrap(new byte[] {0, 0, 1})));
        assertThrows(MalformedBatchException.class, () -> AppStreamMultiplex.readTag(ByteBuffer.wrap(new byte[] {0, 5, 'a', 'b'})));
        assertThrows(MalformedBatchException.class, () -> AppStreamMultiplex.readTag(ByteBuffer.wrap(new byte[] {(byte) 0xFF, (byte) 0xFF})));
        assertThrows(IllegalArgumentException.class, () -> AppStreamMultiplex.tag("x".repeat(AppStreamMultiplex.MAX_APP_ID_BYTES + 1)));
    }

    @Test
    void requests() {
        AppStreamMultiplex.Request subscribe = AppStreamMultiplex.parse(AppStreamMultiplex.subscribe("app-1"));
        assertTrue(subscribe.subscribe());
        assertEquals("app-1", subscribe.appId());
        AppStreamMultiplex.Request unsubscribe = AppStreamMultiplex.parse(AppStreamMultiplex.unsubscribe("-odd"));
        assertFalse(unsubscribe.subscribe());
        assertEquals("-odd", unsubscribe.appId());
        for (String bad : new String[] {"", "+", "-", "app", "*app", "+" + "x".repeat(AppStreamMultiplex.MAX_APP_ID_BYTES + 1)}) {
            assertThrows(IllegalArgumentException.class, () -> AppStreamMultiplex.parse(bad), bad);
        }
    }
}
