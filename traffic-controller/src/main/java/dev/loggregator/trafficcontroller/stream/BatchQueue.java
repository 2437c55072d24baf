package dev.loggregator.trafficcontroller.stream;

import dev.loggregator.trafficcontroller.metrics.AppDropReason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client's queue of envelope batches as Doppler links hand them over, bounded in envelopes, so the
 * links never wait. While it is no more than half full a batch goes in whole, at the cost of a counter.
 * Beyond that, with its {@link AppShares} (which reads a record's app: a v1 envelope's, a v2 envelope's
 * source id), it takes a batch envelope by envelope: the apps sending most are refused first, the rest go
 * in while there is room, and every envelope left out is counted for its app. Any thread may offer (under
 * pressure one at a time); one consumer at a time polls records, takes the losses to tell
 * ({@link #takeUntold}) and discards.
 */
public final class BatchQueue {
    private final Queue<List<byte[]>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    /** Envelopes lost and not told yet: of unknown app here, of known apps in {@link #apps} too. */
    private final AtomicLong untold = new AtomicLong();
    private final AtomicLong untoldUnknown = new AtomicLong();
    private final int capacity;
    private final AppShares apps; // guarded by this
    private long droppedTotal; // consumer only
    private List<byte[]> current; // consumer only
    private int currentIndex;

    public BatchQueue(int capacity, AppShares apps) {
        this.capacity = capacity;
        this.apps = apps;
    }

    /** Queues what of the batch may go in; returns how many of its envelopes were dropped (counted) instead. */
    public int offer(List<byte[]> batch) {
        int size = batch.size();
        if (queued.get() + size <= capacity / 2) {
            if (queued.addAndGet(size) <= capacity) {
                queue.offer(batch);
                return 0;
            }
            queued.addAndGet(-size);
        }
        return offerFairly(batch);
    }

    /**
     * Envelope by envelope. Offers racing here are serialised; one racing on the path above only adds while
     * the queue is at most half full, so the bound holds give or take one batch.
     */
    private synchronized int offerFairly(List<byte[]> batch) {
        long now = System.nanoTime();
        int start = queued.get();
        List<byte[]> admitted = new ArrayList<>(Math.max(0, Math.min(batch.size(), capacity - start)));
        for (byte[] envelope : batch) {
            String app = apps.appOf(envelope);
            int inQueue = start + admitted.size();
            if (inQueue >= capacity) {
                apps.lost(app, AppDropReason.BUFFER_FULL, 1, true);
            } else if (!apps.admit(app, inQueue, capacity, now)) {
                apps.lost(app, AppDropReason.FAIR_SHARE, 1, true);
            } else {
                admitted.add(envelope);
            }
        }
        if (!admitted.isEmpty()) {
            queued.addAndGet(admitted.size());
            queue.offer(admitted);
        }
        int dropped = batch.size() - admitted.size();
        untold.addAndGet(dropped);
        return dropped;
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

    /** Counts {@code count} envelopes (of no app known here) as lost, to be told with the next notice. */
    public void addDropped(long count) {
        untoldUnknown.addAndGet(count);
        untold.addAndGet(count);
    }

    /** Whether losses wait to be told. */
    public boolean hasUntold() {
        return untold.get() > 0;
    }

    /**
     * The losses since the last call, by app (in the order they began; those of no app known here under
     * {@code unknownApp}), now added to {@link #droppedTotal}; empty if none.
     */
    public Map<String, Long> takeUntold(String unknownApp) {
        if (untold.get() == 0) {
            return Map.of();
        }
        Map<String, Long> byApp = new LinkedHashMap<>();
        long unknown = untoldUnknown.getAndSet(0);
        synchronized (this) {
            byApp.putAll(apps.takeUntold());
        }
        if (unknown > 0) {
            byApp.merge(unknownApp, unknown, Long::sum);
        }
        long taken = byApp.values().stream().mapToLong(Long::longValue).sum();
        untold.addAndGet(-taken);
        droppedTotal += taken;
        return byApp;
    }

    public long droppedTotal() {
        return droppedTotal;
    }

    /** Empties the queue, counting what it held for each envelope's app under {@code reason}; returns how many it held. */
    public long discard(AppDropReason reason) {
        long discarded = 0;
        if (current != null) {
            for (int i = currentIndex; i < current.size(); i++, discarded++) {
                count(current.get(i), reason);
            }
            current = null;
        }
        List<byte[]> batch;
        while ((batch = queue.poll()) != null) {
            queued.addAndGet(-batch.size());
            for (byte[] envelope : batch) {
                count(envelope, reason);
            }
            discarded += batch.size();
        }
        return discarded;
    }

    private synchronized void count(byte[] envelope, AppDropReason reason) {
        apps.lost(apps.appOf(envelope), reason, 1, false);
    }

    /** Empties the queue; nothing is counted (the client is gone). */
    public void clear() {
        current = null;
        queue.clear();
        queued.set(0);
    }
}
