package dev.loggregator.cli.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamPartsTest {
    @Test
    void backoffDoublesFromHalfASecondToAMinuteAndResets() {
        Backoff backoff = Backoff.standard();
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            delays.add(backoff.next().toMillis());
        }
        assertEquals(List.of(500L, 1000L, 2000L, 4000L, 8000L, 16000L, 32000L, 60000L, 60000L, 60000L), delays);
        backoff.reset();
        assertEquals(500L, backoff.next().toMillis());
        assertEquals("0.5 s", Backoff.describe(Duration.ofMillis(500)));
        assertEquals("60 s", Backoff.describe(Duration.ofSeconds(60)));
    }

    @Test
    void readsTheRefusedUpgradesStatusAndBody() {
        ByteBuffer answer = ByteBuffer.wrap(("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic\r\nContent-Length: 56\r\n\r\n"
                + "You are not authorized. Error: Invalid authorization").getBytes(StandardCharsets.ISO_8859_1));
        HandshakeResponse response = HandshakeResponse.peek(answer);
        assertEquals(401, response.status());
        assertEquals("Unauthorized", response.reason());
        assertEquals("You are not authorized. Error: Invalid authorization", response.body());
        assertEquals(0, answer.position(), "peeking must not consume the handshake");
        assertEquals(101, HandshakeResponse.peek(ByteBuffer.wrap("HTTP/1.1 101 Switching Protocols\r\n".getBytes(StandardCharsets.ISO_8859_1))).status());
        assertNull(HandshakeResponse.peek(ByteBuffer.wrap("garbage".getBytes(StandardCharsets.ISO_8859_1))));
    }
}
