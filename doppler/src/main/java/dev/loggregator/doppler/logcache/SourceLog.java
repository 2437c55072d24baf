package dev.loggregator.doppler.logcache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;

/**
 * One source's envelopes ordered by timestamp ({@link TimeOrderedEntries}: a timestamp, the envelope's
 * bytes as they arrived, copied into its block's slab, and a kind byte per entry ({@link StoredKind}), so
 * an entry costs its bytes plus a few dozen, no tree node, no boxed key, no array of its own). Envelopes mostly arrive in timestamp order and are
 * appended; a late one is inserted at its place, after any entry with the same timestamp, so equal
 * timestamps never overwrite one another. At the cap the oldest entry is evicted and counted as
 * expired. Reads find the range by binary search. All methods are called under the log's own lock (the
 * router thread writes, readers and the pruner read and evict).
 */
final class SourceLog {
    /**
     * Heap an entry costs besides its bytes: timestamp, offset, length and kind (17 bytes), and room for
     * what its slab holds spare (up to an eighth) or for entries gone but not yet repacked out of it.
     */
    static final int ENTRY_OVERHEAD = 40;
    /**
     * Heap a source costs besides its entries: this object, its {@link TimeOrderedEntries} with its first
     * block (one entry's arrays and a slab header), the map entry and the id: 56 + 40 + 24 + 56 + 96 + 16 +
     * 40 + about 56 bytes with compressed references, as a heap histogram of a million one-envelope
     * sources counts them.
     */
    static final int SOURCE_OVERHEAD = 400;

    /** One entry as a read returns it. */
    record Entry(long timestamp, byte kind, byte[] bytes) {
    }

    private final String sourceId;
    private final int maxEntries;
    /**
     * Per entry, besides the envelope, the metric samples PromQL reads (null for logs and events); see
     * {@link SourceSeries}, made with the source's first gauge, counter or timer.
     */
    private final TimeOrderedEntries entries;
    private SourceSeries series;
    private long expired;
    private long newest = Long.MIN_VALUE;
    private long lastWriteNanos;
    private boolean forgotten;

    /** @param pool full-size blocks expired out of any of the store's sources, for new ones */
    SourceLog(String sourceId, int maxEntries, BlockPool pool) {
        this.sourceId = sourceId;
        this.maxEntries = maxEntries;
        this.entries = new TimeOrderedEntries(maxEntries, pool);
    }

    /** The metric series of this source's gauges, counters and timers; null before the first of them. */
    SourceSeries series() {
        return series;
    }

    String sourceId() {
        return sourceId;
    }

    /** The store dropped this log whole; a writer that still holds it must take a new one. */
    void forget() {
        forgotten = true;
    }

    boolean forgotten() {
        return forgotten;
    }

    /** Stores an envelope; returns the change in bytes held (an eviction at the cap makes it smaller). */
    long add(long timestamp, byte kind, byte[] bytes, long nowNanos) {
        return add(timestamp, kind, bytes, nowNanos, null);
    }

    /**
     * Stores an envelope and, for a gauge, counter or timer ({@code metric} is its v2 form, else null),
     * its samples for PromQL; returns the change in bytes held.
     */
    long add(long timestamp, byte kind, byte[] bytes, long nowNanos, Envelope metric) {
        long freed = entries.size() == maxEntries ? evictOldest() : 0;
        MetricPoint point = null;
        long added = 0;
        if (metric != null) {
            if (series == null) {
                series = new SourceSeries(maxEntries);
            }
            long seriesBytes = series.bytes();
            point = series.point(metric);
            added = series.bytes() - seriesBytes;
        }
        entries.insert(timestamp, kind, bytes, point);
        newest = Math.max(newest, timestamp);
        lastWriteNanos = nowNanos;
        return bytes.length + ENTRY_OVERHEAD + added - freed;
    }

    /** Drops the oldest entry, counted as expired; returns the bytes it held. */
    long evictOldest() {
        long freed = entries.oldestLength() + ENTRY_OVERHEAD;
        MetricPoint point = entries.oldestPoint();
        if (point != null) {
            long seriesBytes = series.bytes();
            series.release(point);
            freed += seriesBytes - series.bytes();
        }
        entries.removeOldest();
        expired++;
        return freed;
    }

    /**
     * Entries in [start, end) whose kind is in {@code kindMask} (bits of {@link StoredKind#v2Kind}),
     * oldest first or newest first, until {@code filter} has accepted {@code limit}; entries with the
     * same timestamp as the last one taken are taken too, as Log Cache does, so a client that walks
     * on from the last timestamp + 1 never skips one. Each entry's bytes are copied out of its slab,
     * under the lock, so the answer is the reader's own.
     */
    List<Entry> read(long start, long end, int limit, boolean descending, int kindMask, EntryFilter filter) {
        List<Entry> out = new ArrayList<>(Math.min(limit, 1024));
        long[] lastTaken = new long[1];
        boolean[] full = new boolean[1];
        entries.visit(start, end, descending, (timestamp, kind, slab, offset, length, point) -> {
            if (full[0] && timestamp != lastTaken[0]) {
                return false;
            }
            if ((kindMask & 1 << StoredKind.v2Kind(kind)) != 0) {
                Entry entry = filter.apply(new Entry(timestamp, kind, Arrays.copyOfRange(slab, offset, offset + length)));
                if (entry != null) {
                    out.add(entry);
                    lastTaken[0] = timestamp;
                    full[0] = out.size() >= limit;
                }
            }
            return true;
        });
        return out;
    }

    int size() {
        return entries.size();
    }

    long expired() {
        return expired;
    }

    /** Oldest timestamp held; only meaningful when {@link #size()} is not 0. */
    long oldest() {
        return entries.oldestTimestamp();
    }

    long newest() {
        return newest;
    }

    long lastWriteNanos() {
        return lastWriteNanos;
    }

    /** Bytes held by the source and every entry, for a source forgotten whole. */
    long bytesHeld() {
        long[] bytes = {SOURCE_OVERHEAD + (series == null ? 0 : series.bytes())};
        entries.forEach((timestamp, kind, slab, offset, length, point) -> {
            bytes[0] += length + ENTRY_OVERHEAD;
            return true;
        });
        return bytes[0];
    }

    /**
     * Visits the metric samples of entries in [start, end), oldest first or newest first, until the
     * visitor returns false.
     */
    void forEachPoint(long start, long end, boolean newestFirst, PointVisitor visitor) {
        if (series == null) {
            return;
        }
        entries.visit(start, end, newestFirst, (timestamp, kind, slab, offset, length, point) -> point == null || visitor.visit(timestamp, point));
    }

    /** One entry's metric samples, for {@link #forEachPoint}. */
    @FunctionalInterface
    interface PointVisitor {
        boolean visit(long timestamp, MetricPoint point);
    }

    /** Turns a stored entry into what a read returns, or null to skip it (a name filter that does not match). */
    @FunctionalInterface
    interface EntryFilter {
        Entry apply(Entry entry);
    }
}
