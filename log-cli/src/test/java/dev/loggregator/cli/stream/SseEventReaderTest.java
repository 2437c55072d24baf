package dev.loggregator.cli.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseEventReaderTest {
    private final List<String> events = new ArrayList<>();
    private final List<Long> oversized = new ArrayList<>();
    private final SseEventReader reader = new SseEventReader(new SseEventReader.Listener() {
        @Override
        public void event(String name, String data) {
            events.add(name + "=" + data);
        }

        @Override
        public void oversized(long chars) {
            oversized.add(chars);
        }
    }, 40);

    private void lines(String... lines) {
        for (String line : lines) {
            reader.line(line);
        }
    }

    @Test
    void readsTheGatewaysBatchesHeartbeatsAndClosing() {
        lines("data: {\"batch\":[]}", "", "event: heartbeat", "data: 1755684000", "", "event: closing",
                "data: closing due to stream timeout", "");
        assertEquals(List.of("message={\"batch\":[]}", "heartbeat=1755684000", "closing=closing due to stream timeout"), events);
    }

    @Test
    void followsTheEventStreamRules() {
        lines(": a comment", "data:no space", "data:  two spaces", "id: 7", "retry: 10", "", "event: nodata", "", "data", "");
        assertEquals(List.of("message=no space\n two spaces", "message="), events, "an event without data is not dispatched");
    }

    @Test
    void skipsAnEventPastTheLimitWholeAndGoesOn() {
        lines("data: 0123456789012345678901234", "data: 0123456789012345678901234", "data: more", "", "data: small", "");
        assertEquals(List.of("message=small"), events);
        assertEquals(1, oversized.size());
    }
}
