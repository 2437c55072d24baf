package dev.loggregator.trafficcontroller.stream;

import dev.loggregator.trafficcontroller.metrics.AppDropReason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client's queue of envelope batches as Doppler links hand them over, so the links never wait. A stream
 * of one app is bounded in envelopes ({@code outgoing_buffer_size}, as the original); a stream of many apps
 * (a firehose, a v2 reader of no single source id) in the heap its records hold, its part of the Traffic
 * Controller's {@link StreamBudget}. While it is no more than half full a batch goes in whole, at the cost of
 * a counter or two. Beyond that, with its {@link AppShares} (which reads a record's app: a v1 envelope's, a v2
 * envelope's source id), it takes a batch envelope by envelope: the apps sending most are refused first, the
 * rest go in while there is room, and every envelope left out is counted for its app. Any thread may offer
 * (under pressure one at a time); one consumer at a time polls records, takes the losses to tell
 * ({@link #takeUntold}) and discards.
 */
public final class BatchQueue {
    /** A batch and what it weighs against the bound (envelopes, or bytes held). */
    private record Batch(List<byte[]> records, long weight) {
    }

    private final Queue<Batch> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    /** What the queued batches weigh against the bound: envelopes, or bytes with a budget. */
    private final AtomicLong held = new AtomicLong();
    /** Envelopes lost and not told yet: of unknown app here, of known apps in {@link #apps} too. */
    private final AtomicLong untold = new AtomicLong();
    private final AtomicLong untoldUnknown = new AtomicLong();
    private final int capacity; // envelopes; unused with a budget
    private final StreamBudget budget; // null: bounded in envelopes
    private final AppShares apps; // guarded by this
    private final AtomicBoolean closed = new AtomicBoolean();
    private long droppedTotal; // consumer only
    private List<byte[]> current; // consumer only
    private int currentIndex;

    /** Bounded in envelopes: the stream of one app. */
    public BatchQueue(int capacity, AppShares apps) {
        this(capacity, null, apps);
    }

    /** Bounded in bytes, by its part of {@code budget}: a stream of many apps. Leaves the budget at {@link #close()}. */
    public BatchQueue(StreamBudget budget, AppShares apps) {
        this(0, budget, apps);
        budget.join();
    }

    private BatchQueue(int capacity, StreamBudget budget, AppShares apps) {
        this.capacity = capacity;
        this.budget = budget;
        this.apps = apps;
    }

    /** Queues what of the batch may go in; returns how many of its envelopes were dropped (counted) instead. */
    public int offer(List<byte[]> batch) {
        if (closed.get()) {
            return 0; // the client is gone: nothing to count for it
        }
        long weight = weightOf(batch);
        long limit = limit();
        if (held.get() + weight <= limit / 2) {
            if (held.addAndGet(weight) <= limit && (budget == null || budget.take(weight))) {
                enqueue(new Batch(batch, weight));
                return 0;
            }
            held.addAndGet(-weight);
        }
        return offerFairly(batch, limit);
    }

    /**
     * Envelope by envelope. Offers racing here are serialised; one racing on the path above only adds while
     * the queue is at most half full, so the bound holds give or take one batch (and the budget exactly).
     */
    private synchronized int offerFairly(List<byte[]> batch, long limit) {
        long now = System.nanoTime();
        long start = held.get();
        List<byte[]> admitted = new ArrayList<>(Math.min(batch.size(), 1024));
        long admittedWeight = 0;
        for (byte[] envelope : batch) {
            String app = apps.appOf(envelope);
            long weight = budget == null ? 1 : StreamBudget.heldBytes(envelope);
            long inQueue = start + admittedWeight;
            // a record larger than the whole bound still goes into an empty queue, or it could never be sent
            boolean empty = inQueue == 0;
            if (inQueue + weight > limit && !empty) {
                apps.lost(app, AppDropReason.BUFFER_FULL, 1, true);
            } else if (!apps.admit(app, inQueue, limit, now)) {
                apps.lost(app, AppDropReason.FAIR_SHARE, 1, true);
            } else if (!takeFromBudget(weight, empty)) {
                apps.lost(app, AppDropReason.BUFFER_FULL, 1, true);
            } else {
                admitted.add(envelope);
                admittedWeight += weight;
            }
        }
        if (!admitted.isEmpty()) {
            held.addAndGet(admittedWeight);
            enqueue(new Batch(admitted, admittedWeight));
        }
        int dropped = batch.size() - admitted.size();
        untold.addAndGet(dropped);
        return dropped;
    }

    private boolean takeFromBudget(long bytes, boolean emptyQueue) {
        if (budget == null || budget.take(bytes)) {
            return true;
        }
        if (emptyQueue) {
            budget.force(bytes);
            return true;
        }
        return false;
    }

    private void enqueue(Batch batch) {
        queued.addAndGet(batch.records().size());
        queue.offer(batch);
        if (closed.get()) {
            giveBackQueued(); // closed meanwhile: what it took goes back to the budget
        }
    }

    /** The bound now: envelopes, or this queue's part of the budget in bytes. */
    private long limit() {
        return budget == null ? capacity : budget.share();
    }

    private long weightOf(List<byte[]> batch) {
        if (budget == null) {
            return batch.size();
        }
        long bytes = 0;
        for (byte[] record : batch) {
            bytes += StreamBudget.heldBytes(record);
        }
        return bytes;
    }

    /** Takes the next batch out of the queue, giving back what it weighed; null when none. */
    private List<byte[]> take() {
        Batch batch = queue.poll();
        if (batch == null) {
            return null;
        }
        queued.addAndGet(-batch.records().size());
        held.addAndGet(-batch.weight());
        if (budget != null) {
            budget.giveBack(batch.weight());
        }
        return batch.records();
    }

    /** The next record, or null when nothing is queued. */
    public byte[] poll() {
        if (current == null || currentIndex == current.size()) {
            current = take();
            currentIndex = 0;
            if (current == null) {
                return null;
            }
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
        while ((batch = take()) != null) {
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

    /** Empties the queue for good, giving its bytes back to the budget and leaving it; nothing is counted (the client is gone). */
    public void close() {
        if (closed.compareAndSet(false, true)) {
            current = null;
            giveBackQueued();
            if (budget != null) {
                budget.leave();
            }
        }
    }

    private void giveBackQueued() {
        while (take() != null) {
            // each batch taken gives its weight back
        }
    }

    /** Bytes (with a budget) or envelopes (without) queued. */
    long heldWeight() {
        return held.get();
    }
}
