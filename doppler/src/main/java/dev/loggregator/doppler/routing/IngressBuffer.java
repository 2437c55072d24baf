package dev.loggregator.doppler.routing;

import dev.loggregator.doppler.logging.RateLimitedLog;
import dev.loggregator.doppler.metrics.DopplerMetrics;
import dev.loggregator.doppler.metrics.DropReason;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.MpscArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded hand-off between every ingress thread and the single router thread (the
 * "diode" of the original Doppler). A sender never waits: when the router has fallen this far
 * behind, the newest envelope is shed and counted, and the senders carry on. Bounded twice: by
 * slots, and by the heap its envelopes hold ({@link RoutedEnvelope#heldBytes()}), so that a full
 * buffer of large envelopes cannot take the heap a full buffer of small ones fits in.
 */
public final class IngressBuffer {
    private static final Logger LOG = LoggerFactory.getLogger(IngressBuffer.class);
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final MpscArrayQueue<RoutedEnvelope> queue;
    private final long maxBytes;
    private final AtomicLong bytes = new AtomicLong();
    private long drainedBytes; // consumer thread only
    private final DopplerMetrics metrics;
    private final IngressGate gate;
    private final RateLimitedLog shedLog = new RateLimitedLog(LOG);
    private volatile Thread consumer;
    private volatile boolean consumerParked;

    /** At most {@code capacity} envelopes holding at most about {@code maxBytes} of heap; everything admitted. */
    public IngressBuffer(int capacity, long maxBytes, DopplerMetrics metrics) {
        this(capacity, maxBytes, metrics, IngressGate.OPEN);
    }

    /** As above; {@code gate} decides who may take room under pressure and hears of what a full buffer shed. */
    public IngressBuffer(int capacity, long maxBytes, DopplerMetrics metrics, IngressGate gate) {
        this.queue = new MpscArrayQueue<>(Math.max(2, capacity));
        this.maxBytes = maxBytes;
        this.metrics = metrics;
        this.gate = gate;
    }

    /** Hands one envelope to the router; false (and counted) when the gate refuses it or the buffer is full. */
    public boolean offer(RoutedEnvelope envelope) {
        int capacity = queue.capacity();
        if (!gate.admit(envelope, occupied(capacity), capacity)) {
            return false;
        }
        int held = envelope.heldBytes();
        if (bytes.addAndGet(held) > maxBytes) {
            bytes.addAndGet(-held);
            return shed(envelope, "Shed envelopes: ingress buffer holds {} bytes, its limit (the router is behind)", maxBytes);
        }
        if (!queue.offer(envelope)) {
            bytes.addAndGet(-held);
            return shed(envelope, "Shed envelopes: ingress buffer of {} is full (the router is behind)", capacity);
        }
        // Pairs with the consumer's park protocol: the offer must be visible before we read the flag.
        VarHandle.fullFence();
        if (consumerParked) {
            Thread waiting = consumer;
            if (waiting != null) {
                LockSupport.unpark(waiting);
            }
        }
        return true;
    }

    /** How full the buffer is, in slots: by count, or by bytes when those are the nearer limit. */
    private int occupied(int capacity) {
        long bySize = queue.size();
        long byBytes = maxBytes <= 0 ? 0 : (long) ((double) bytes.get() / maxBytes * capacity);
        return (int) Math.min(capacity, Math.max(bySize, byBytes));
    }

    private boolean shed(RoutedEnvelope envelope, String message, long limit) {
        metrics.dropped().increment(DropReason.INGRESS_SHED);
        gate.shed(envelope);
        shedLog.warn(message, limit);
        return false;
    }

    public int size() {
        return queue.size();
    }

    public int capacity() {
        return queue.capacity();
    }

    /** About how much heap the envelopes waiting here hold. */
    public long heldBytes() {
        return bytes.get();
    }

    /**
     * Called by the one consumer thread: hands up to {@code limit} envelopes to {@code handler}
     * and returns how many; when nothing is queued, sleeps until an offer or about a millisecond.
     */
    int drainOrPark(java.util.function.Consumer<RoutedEnvelope> handler, int limit) {
        int n = queue.drain(envelope -> {
            drainedBytes += envelope.heldBytes();
            handler.accept(envelope);
        }, limit);
        if (n > 0) {
            bytes.addAndGet(-drainedBytes); // once per drain: the senders' counter is contended enough
            drainedBytes = 0;
            return n;
        }
        consumer = Thread.currentThread();
        consumerParked = true;
        VarHandle.fullFence();
        if (queue.isEmpty()) {
            LockSupport.parkNanos(this, IDLE_PARK_NANOS);
        }
        consumerParked = false;
        return 0;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }
}
