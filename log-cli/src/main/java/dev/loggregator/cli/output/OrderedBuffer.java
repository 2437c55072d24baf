package dev.loggregator.cli.output;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Puts tailed log messages back in timestamp order. Loggregator does not keep order across
 * Dopplers, so like the cf CLI (300 ms, cli PR #1273) each message is held for a short window and
 * released in timestamp order; one arriving up to the window late still lands in its place.
 * Equal timestamps keep arrival order.
 *
 * @param <T> the message type
 */
public final class OrderedBuffer<T> {
    private record Entry<T>(long timestamp, long sequence, long arrivedNanos, T item) {
    }

    private final long windowNanos;
    private final PriorityQueue<Entry<T>> queue = new PriorityQueue<>((a, b) -> {
        int byTime = Long.compare(a.timestamp, b.timestamp);
        return byTime != 0 ? byTime : Long.compare(a.sequence, b.sequence);
    });
    private long sequence;

    public OrderedBuffer(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    public synchronized void add(long timestamp, T item, long nowNanos) {
        queue.add(new Entry<>(timestamp, sequence++, nowNanos, item));
    }

    /** Removes, in order, the messages whose window has passed: the earliest one first, while it is due. */
    public synchronized List<T> drainDue(long nowNanos) {
        List<T> due = new ArrayList<>();
        while (!queue.isEmpty() && nowNanos - queue.peek().arrivedNanos >= windowNanos) {
            due.add(queue.poll().item);
        }
        return due;
    }

    /** Removes everything, in order (when the stream ends). */
    public synchronized List<T> drainAll() {
        List<T> all = new ArrayList<>(queue.size());
        while (!queue.isEmpty()) {
            all.add(queue.poll().item);
        }
        return all;
    }

    public synchronized int size() {
        return queue.size();
    }
}
