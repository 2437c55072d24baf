package dev.loggregator.doppler.routing;

import dev.loggregator.doppler.logging.RateLimitedLog;
import dev.loggregator.doppler.metrics.DopplerMetrics;
import dev.loggregator.doppler.metrics.DropReason;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.MpscArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded hand-off between every ingress thread and the single router thread (the
 * "diode" of the original Doppler). A sender never waits: when the router has fallen this far
 * behind, the newest envelope is shed and counted, and the senders carry on.
 */
public final class IngressBuffer {
    private static final Logger LOG = LoggerFactory.getLogger(IngressBuffer.class);
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final MpscArrayQueue<RoutedEnvelope> queue;
    private final DopplerMetrics metrics;
    private final IngressGate gate;
    private final RateLimitedLog shedLog = new RateLimitedLog(LOG);
    private volatile Thread consumer;
    private volatile boolean consumerParked;

    public IngressBuffer(int capacity, DopplerMetrics metrics) {
        this(capacity, metrics, IngressGate.OPEN);
    }

    /** {@code gate} decides who may take room under pressure and hears of what a full buffer shed. */
    public IngressBuffer(int capacity, DopplerMetrics metrics, IngressGate gate) {
        this.queue = new MpscArrayQueue<>(Math.max(2, capacity));
        this.metrics = metrics;
        this.gate = gate;
    }

    /** Hands one envelope to the router; false (and counted) when the gate refuses it or the buffer is full. */
    public boolean offer(RoutedEnvelope envelope) {
        if (!gate.admit(envelope, queue.size(), queue.capacity())) {
            return false;
        }
        if (!queue.offer(envelope)) {
            metrics.dropped().increment(DropReason.INGRESS_SHED);
            gate.shed(envelope);
            shedLog.warn("Shed envelopes: ingress buffer of {} is full (the router is behind)", queue.capacity());
            return false;
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

    public int size() {
        return queue.size();
    }

    public int capacity() {
        return queue.capacity();
    }

    /**
     * Called by the one consumer thread: hands up to {@code limit} envelopes to {@code handler}
     * and returns how many; when nothing is queued, sleeps until an offer or about a millisecond.
     */
    int drainOrPark(java.util.function.Consumer<RoutedEnvelope> handler, int limit) {
        int n = queue.drain(handler::accept, limit);
        if (n > 0) {
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
