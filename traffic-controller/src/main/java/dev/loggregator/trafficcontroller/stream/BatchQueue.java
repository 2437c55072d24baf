package dev.loggregator.trafficcontroller.stream;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client's queue of envelope batches as Doppler links hand them over, bounded in envelopes: a
 * batch that would go past the bound is dropped whole and counted, so the links never wait. Any
 * thread may offer; one consumer at a time polls records and takes the drop count for its notice.
 */
public final class BatchQueue {
    private final Queue<List<byte[]>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong droppedSinceNotice = new AtomicLong();
    private final int capacity;
    private long droppedTotal; // consumer only
    private List<byte[]> current; // consumer only
    private int currentIndex;

    public BatchQueue(int capacity) {
        this.capacity = capacity;
    }

    /** Queues the batch; false (and counted as dropped) when it would exceed the bound. */
    public boolean offer(List<byte[]> batch) {
        int size = batch.size();
        if (queued.addAndGet(size) > capacity) {
            queued.addAndGet(-size);
            droppedSinceNotice.addAndGet(size);
            return false;
        }
        queue.offer(batch);
        return true;
    }

    /** The next record, or null when nothing is queued. */
    public byte[] poll() {
        if (current == null || currentIndex == current.size()) {
            current = queue.poll();
            currentIndex = 0;
            if (current == null) {
                return null;
            }
            queued.addAndGet(-current.size());
        }
        return current.get(currentIndex++);
    }

    /** Whether records wait (queued or left in the batch being taken). */
    public boolean hasQueued() {
        return queued.get() > 0 || (current != null && currentIndex < current.size());
    }

    /** Envelopes queued and not yet taken. */
    public int size() {
        return queued.get() + (current == null ? 0 : current.size() - currentIndex);
    }

    /** Counts {@code count} envelopes as dropped, to be told with the next notice. */
    public void addDropped(long count) {
        droppedSinceNotice.addAndGet(count);
    }

    /** Envelopes dropped since the last call (0 if none); they are added to {@link #droppedTotal}. */
    public long takeDrops() {
        long drops = droppedSinceNotice.get();
        if (drops > 0) {
            droppedSinceNotice.addAndGet(-drops);
            droppedTotal += drops;
        }
        return drops;
    }

    public long droppedTotal() {
        return droppedTotal;
    }

    public void clear() {
        current = null;
        queue.clear();
        queued.set(0);
    }
}
