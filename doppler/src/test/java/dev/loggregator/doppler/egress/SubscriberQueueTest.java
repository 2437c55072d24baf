package dev.loggregator.doppler.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.doppler.routing.RoutedEnvelope;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.junit.jupiter.api.Test;

/** A link's queue is bounded by the heap its envelopes hold, an app stream's by their number. */
class SubscriberQueueTest {
    private static RoutedEnvelope envelope(int bytes) {
        return RoutedEnvelope.fromV1("app", EventType.LogMessage, new byte[bytes]);
    }

    @Test
    void aLinkQueueTakesEnvelopesUntilTheirBytesWouldPassItsBound() {
        SubscriberQueue queue = SubscriberQueue.ofBytes(1 << 20);
        RoutedEnvelope big = envelope(64 * 1024);
        int taken = 0;
        while (queue.offer(big)) {
            taken++;
        }
        assertEquals((1 << 20) / big.heldBytes(), taken, "as many as fit in the bound");
        assertTrue(queue.heldBytes() <= 1 << 20);
        assertTrue(queue.fill() > 0.9);
        assertFalse(queue.offer(big));

        assertSame(big, queue.poll());
        assertTrue(queue.offer(big), "taking one makes room for one");
        queue.clear();
        assertEquals(0, queue.heldBytes());
        assertEquals(0, queue.fill());
        assertNull(queue.poll());
    }

    @Test
    void smallEnvelopesFillALinkQueueByTheirBytesNotTheirNumber() {
        SubscriberQueue queue = SubscriberQueue.ofBytes(1 << 20);
        RoutedEnvelope small = envelope(100);
        int taken = 0;
        while (queue.offer(small)) {
            taken++;
        }
        assertEquals((1 << 20) / small.heldBytes(), taken);
    }

    @Test
    void anEnvelopeLargerThanTheBoundStillGoesIntoAnEmptyQueue() {
        SubscriberQueue queue = SubscriberQueue.ofBytes(1 << 20);
        assertTrue(queue.offer(envelope(2 << 20)));
        assertFalse(queue.offer(envelope(10)), "but nothing after it until it is taken");
        queue.poll();
        assertTrue(queue.offer(envelope(10)));
    }

    @Test
    void anAppStreamQueueIsBoundedInEnvelopes() {
        SubscriberQueue queue = SubscriberQueue.ofEnvelopes(1000);
        int taken = 0;
        while (queue.offer(envelope(64 * 1024))) {
            taken++;
        }
        assertEquals(1024, taken, "1000 rounded up to a power of two, whatever their size");
        assertEquals(1.024, queue.fill(), 1e-9);
    }
}
