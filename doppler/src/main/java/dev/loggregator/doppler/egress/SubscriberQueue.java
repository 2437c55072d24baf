package dev.loggregator.doppler.egress;

import dev.loggregator.doppler.routing.RoutedEnvelope;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jctools.queues.SpscChunkedArrayQueue;

/**
 * A subscriber's queue, filled by the router thread and drained on the connection's event loop. Bounded
 * in envelopes ({@code doppler.message_drain_buffer_size}, one app's stream, as the original Doppler) or
 * in the heap its envelopes hold ({@code doppler.link_buffer_bytes}, a Traffic Controller's link, which
 * carries many apps and, for a firehose, everything: counted in envelopes, 10,000 of them are 40 ms of a
 * 250,000/s stream, and a bound in envelopes says nothing of memory when envelopes may be 64 KiB each).
 * The array grows in chunks up to its bound, so an idle subscriber costs a small array.
 */
final class SubscriberQueue {
    private static final VarHandle TAKEN_BYTES;

    static {
        try {
            TAKEN_BYTES = MethodHandles.lookup().findVarHandle(SubscriberQueue.class, "takenBytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Slots of a byte-bounded queue: enough for its bytes in the smallest envelopes a queue holds. */
    private static final int MAX_SLOTS = 1 << 22;

    private final SpscChunkedArrayQueue<RoutedEnvelope> queue;
    private final int maxEnvelopes;
    private final long maxBytes; // 0: bounded in envelopes only
    private long offeredBytes; // router thread only
    @SuppressWarnings("unused") // through TAKEN_BYTES: the event loop writes, the router thread reads
    private volatile long takenBytes;

    private SubscriberQueue(int maxEnvelopes, long maxBytes) {
        this.maxEnvelopes = Math.max(16, maxEnvelopes);
        this.maxBytes = maxBytes;
        this.queue = new SpscChunkedArrayQueue<>(Math.max(8, Math.min(1024, this.maxEnvelopes / 4)), this.maxEnvelopes);
    }

    /** Bounded in envelopes (rounded up to a power of two by the array). */
    static SubscriberQueue ofEnvelopes(int maxEnvelopes) {
        return new SubscriberQueue(maxEnvelopes, 0);
    }

    /** Bounded in the heap its envelopes hold ({@link RoutedEnvelope#heldBytes()}). */
    static SubscriberQueue ofBytes(long maxBytes) {
        return new SubscriberQueue((int) Math.min(MAX_SLOTS, Math.max(1024, maxBytes / 128)), maxBytes);
    }

    /** Router thread: queues the envelope, or returns false when it would pass the bound. */
    boolean offer(RoutedEnvelope envelope) {
        int bytes = envelope.heldBytes();
        if (maxBytes > 0 && heldBytes() + bytes > maxBytes && !queue.isEmpty()) {
            return false; // an envelope larger than the whole bound still goes into an empty queue
        }
        if (!queue.offer(envelope)) {
            return false;
        }
        offeredBytes += bytes;
        return true;
    }

    /**
     * Router thread: how full the queue is, 0 to 1, by whichever bound is nearer; the fair share starts
     * shedding the apps sending most past one half.
     */
    double fill() {
        double byCount = (double) queue.size() / maxEnvelopes;
        return maxBytes > 0 ? Math.max(byCount, (double) heldBytes() / maxBytes) : byCount;
    }

    /** Router thread: the heap held by the queued envelopes. */
    long heldBytes() {
        return offeredBytes - (long) TAKEN_BYTES.getAcquire(this);
    }

    /** Event loop: the next envelope, left in the queue. */
    RoutedEnvelope peek() {
        return queue.relaxedPeek();
    }

    /** Event loop: takes the next envelope, or null. */
    RoutedEnvelope poll() {
        RoutedEnvelope envelope = queue.relaxedPoll();
        if (envelope != null) {
            TAKEN_BYTES.setRelease(this, (long) TAKEN_BYTES.getOpaque(this) + envelope.heldBytes());
        }
        return envelope;
    }

    /** Event loop: empties the queue. */
    void clear() {
        while (poll() != null) {
            // each taken envelope's bytes are given back
        }
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    int size() {
        return queue.size();
    }
}
