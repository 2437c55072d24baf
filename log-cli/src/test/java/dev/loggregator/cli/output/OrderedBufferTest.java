package dev.loggregator.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class OrderedBufferTest {
    private static final long WINDOW = 300_000_000L;

    @Test
    void holdsMessagesForTheWindowThenReleasesThemInTimestampOrder() {
        OrderedBuffer<String> buffer = new OrderedBuffer<>(WINDOW);
        buffer.add(30, "c", 0);
        buffer.add(10, "a", 50_000_000L);
        assertEquals(List.of(), buffer.drainDue(100_000_000L));
        buffer.add(20, "b", 200_000_000L);
        // "a" (earliest timestamp) has waited 300 ms at t=350 ms; "c" arrived first but sorts last.
        assertEquals(List.of("a"), buffer.drainDue(350_000_000L));
        assertEquals(List.of("b", "c"), buffer.drainDue(500_000_000L));
        assertEquals(0, buffer.size());
    }

    @Test
    void aLateMessageWithinTheWindowLandsInItsPlace() {
        OrderedBuffer<String> buffer = new OrderedBuffer<>(WINDOW);
        buffer.add(100, "second", 0);
        buffer.add(50, "first (arrived 250 ms late)", 250_000_000L);
        assertEquals(List.of(), buffer.drainDue(299_000_000L));
        assertEquals(List.of("first (arrived 250 ms late)", "second"), buffer.drainDue(550_000_000L));
    }

    @Test
    void equalTimestampsKeepArrivalOrder() {
        OrderedBuffer<String> buffer = new OrderedBuffer<>(WINDOW);
        for (String item : List.of("x1", "x2", "x3", "x4")) {
            buffer.add(7, item, 0);
        }
        assertEquals(List.of("x1", "x2", "x3", "x4"), buffer.drainAll());
    }

    @Test
    void drainAllReleasesEverythingInOrderAtTheEnd() {
        OrderedBuffer<String> buffer = new OrderedBuffer<>(WINDOW);
        buffer.add(3, "c", 0);
        buffer.add(1, "a", 0);
        buffer.add(2, "b", 0);
        assertEquals(List.of("a", "b", "c"), buffer.drainAll());
    }
}
