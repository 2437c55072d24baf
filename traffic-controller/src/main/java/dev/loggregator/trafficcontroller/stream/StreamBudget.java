package dev.loggregator.trafficcontroller.stream;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The heap every client queue of a stream that carries many apps may hold together, in one Traffic
 * Controller ({@code traffic_controller.stream_buffer_bytes}): the firehose, and the {@code /v2/read} and
 * gRPC egress streams of no single source id. Counted in envelopes, 10,000 of them are 40 ms of a
 * 250,000/s firehose and say nothing of memory when envelopes may be 64 KiB; counted in bytes per client
 * alone, the sum would grow with the clients. So one budget: each open queue may hold an equal part of it
 * (a lone firehose reader the whole), and no queue takes from it what the others left unused, so the sum
 * is bounded whatever the number of clients and a stalled client (cut after
 * {@code slow_consumer_timeout_seconds}) costs the others nothing meanwhile.
 */
public final class StreamBudget {
    /** What a record costs beyond its bytes: the array's header and its slot in a batch. */
    static final int RECORD_OVERHEAD = 24;

    private final long maxBytes;
    private final AtomicLong held = new AtomicLong();
    private final AtomicInteger queues = new AtomicInteger();

    public StreamBudget(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("a stream budget must be positive: " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** The heap a record holds while queued. */
    static long heldBytes(byte[] record) {
        return record.length + RECORD_OVERHEAD;
    }

    void join() {
        queues.incrementAndGet();
    }

    void leave() {
        queues.decrementAndGet();
    }

    /** What one queue may hold now: an equal part of the budget among the queues open. */
    long share() {
        return maxBytes / Math.max(1, queues.get());
    }

    /** Takes {@code bytes} from the budget, or returns false (and takes nothing) when they would pass it. */
    boolean take(long bytes) {
        long now;
        do {
            now = held.get();
            if (now + bytes > maxBytes) {
                return false;
            }
        } while (!held.compareAndSet(now, now + bytes));
        return true;
    }

    /** Takes {@code bytes} from the budget whatever it holds (a record larger than a queue's part, into an empty queue). */
    void force(long bytes) {
        held.addAndGet(bytes);
    }

    void giveBack(long bytes) {
        held.addAndGet(-bytes);
    }

    /** Bytes held by every queue of this budget. */
    public long heldBytes() {
        return held.get();
    }

    public long maxBytes() {
        return maxBytes;
    }

    public int queues() {
        return queues.get();
    }
}
