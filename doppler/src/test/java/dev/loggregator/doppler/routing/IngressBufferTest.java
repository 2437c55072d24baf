package dev.loggregator.doppler.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.doppler.metrics.DopplerMetrics;
import dev.loggregator.doppler.metrics.DropReason;
import java.util.ArrayList;
import java.util.List;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.junit.jupiter.api.Test;

/** The ingress buffer sheds, and counts, when either its slots or its byte budget are used up. */
class IngressBufferTest {
    private static RoutedEnvelope envelope(int bytes) {
        return RoutedEnvelope.fromV1("app", EventType.LogMessage, new byte[bytes]);
    }

    @Test
    void aFullByteBudgetShedsTheNewestUntilTheRouterTakesSome() {
        DopplerMetrics metrics = new DopplerMetrics();
        RoutedEnvelope small = envelope(1_000);
        IngressBuffer buffer = new IngressBuffer(1_024, 3L * small.heldBytes(), metrics);
        assertTrue(buffer.offer(small));
        assertTrue(buffer.offer(envelope(1_000)));
        assertTrue(buffer.offer(envelope(1_000)));
        assertEquals(3L * small.heldBytes(), buffer.heldBytes());
        assertFalse(buffer.offer(envelope(1_000)), "over the byte budget, with slots free");
        assertFalse(buffer.offer(envelope(10)), "the budget counts what is held, not the slots");
        assertEquals(2, metrics.dropped().get(DropReason.INGRESS_SHED));
        assertEquals(3, buffer.size());

        List<RoutedEnvelope> routed = new ArrayList<>();
        assertEquals(1, buffer.drainOrPark(routed::add, 1));
        assertEquals(2L * small.heldBytes(), buffer.heldBytes());
        assertTrue(buffer.offer(envelope(1_000)));
        assertEquals(3, buffer.drainOrPark(routed::add, 10));
        assertEquals(0, buffer.heldBytes());
        assertEquals(4, routed.size());
    }

    @Test
    void fullSlotsShedWithinTheByteBudget() {
        DopplerMetrics metrics = new DopplerMetrics();
        IngressBuffer buffer = new IngressBuffer(2, Long.MAX_VALUE, metrics);
        assertTrue(buffer.offer(envelope(10)));
        assertTrue(buffer.offer(envelope(10)));
        assertFalse(buffer.offer(envelope(10)));
        assertEquals(1, metrics.dropped().get(DropReason.INGRESS_SHED));
        assertEquals(2L * envelope(10).heldBytes(), buffer.heldBytes(), "a shed envelope is not counted as held");
    }
}
