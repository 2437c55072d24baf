package dev.loggregator.doppler.logcache;

import java.util.ArrayList;
import java.util.List;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;

/**
 * One source's envelopes ordered by timestamp, in a circular array that grows to the per-source cap:
 * a timestamp, the envelope's bytes as they arrived and a kind byte per entry ({@link StoredKind}),
 * so an entry costs its bytes plus a few dozen (no tree node, no boxed key). Envelopes mostly arrive
 * in timestamp order and are appended; a late one is inserted at its place, after any entry with the
 * same timestamp, so equal timestamps never overwrite one another. At the cap the oldest entry is
 * evicted and counted as expired. Reads find the range by binary search. All methods are called under
 * the log's own lock (the router thread writes, readers and the pruner read and evict).
 */
final class SourceLog {
    /** Heap an entry costs besides its bytes: array header, timestamp, reference and kind. */
    static final int ENTRY_OVERHEAD = 40;
    /** Heap a source costs besides its entries: this object, its arrays' headers, the map entry and the id. */
    static final int SOURCE_OVERHEAD = 400;
    /** Small: a flood of distinct source ids costs little each; busy sources grow by doubling. */
    private static final int INITIAL_CAPACITY = 4;

    /** One entry as a read returns it. */
    record Entry(long timestamp, byte kind, byte[] bytes) {
    }

    private final String sourceId;
    private final int maxEntries;
    private long[] timestamps = new long[INITIAL_CAPACITY];
    private byte[][] envelopes = new byte[INITIAL_CAPACITY][];
    private byte[] kinds = new byte[INITIAL_CAPACITY];
    /**
     * Per entry, the metric samples PromQL reads (null for logs and events); see {@link SourceSeries}. Both
     * are made with the source's first gauge, counter or timer, so a source of logs only costs nothing more.
     */
    private MetricPoint[] points;
    private SourceSeries series;
    private int head;
    private int size;
    private long expired;
    private long newest = Long.MIN_VALUE;
    private long lastWriteNanos;
    private boolean forgotten;

    SourceLog(String sourceId, int maxEntries) {
        this.sourceId = sourceId;
        this.maxEntries = maxEntries;
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
        long freed = 0;
        if (size == maxEntries) {
            freed = evictOldest();
        } else if (size == timestamps.length) {
            grow();
        }
        MetricPoint point = null;
        long added = 0;
        if (metric != null) {
            if (series == null) {
                series = new SourceSeries(maxEntries);
                points = new MetricPoint[timestamps.length];
            }
            long seriesBytes = series.bytes();
            point = series.point(metric);
            added = series.bytes() - seriesBytes;
        }
        int position = size == 0 || timestamp >= timestampAt(size - 1) ? size : upperBound(timestamp);
        for (int i = size; i > position; i--) {
            int to = physical(i);
            int from = physical(i - 1);
            timestamps[to] = timestamps[from];
            envelopes[to] = envelopes[from];
            kinds[to] = kinds[from];
            if (points != null) {
                points[to] = points[from];
            }
        }
        int at = physical(position);
        timestamps[at] = timestamp;
        envelopes[at] = bytes;
        kinds[at] = kind;
        if (points != null) {
            points[at] = point;
        }
        size++;
        newest = Math.max(newest, timestamp);
        lastWriteNanos = nowNanos;
        return bytes.length + ENTRY_OVERHEAD + added - freed;
    }

    /** Drops the oldest entry, counted as expired; returns the bytes it held. */
    long evictOldest() {
        byte[] bytes = envelopes[head];
        envelopes[head] = null;
        long freed = bytes.length + ENTRY_OVERHEAD;
        MetricPoint point = points == null ? null : points[head];
        if (point != null) {
            points[head] = null;
            long seriesBytes = series.bytes();
            series.release(point);
            freed += seriesBytes - series.bytes();
        }
        head = (head + 1) % timestamps.length;
        size--;
        expired++;
        return freed;
    }

    /**
     * Entries in [start, end) whose kind is in {@code kindMask} (bits of {@link StoredKind#v2Kind}),
     * oldest first or newest first, until {@code filter} has accepted {@code limit}; entries with the
     * same timestamp as the last one taken are taken too, as Log Cache does, so a client that walks
     * on from the last timestamp + 1 never skips one.
     */
    List<Entry> read(long start, long end, int limit, boolean descending, int kindMask, EntryFilter filter) {
        List<Entry> out = new ArrayList<>(Math.min(limit, 64));
        int from = lowerBound(start);
        int to = lowerBound(end); // exclusive
        long lastTaken = 0;
        boolean full = false;
        for (int n = 0; n < to - from; n++) {
            int logical = descending ? to - 1 - n : from + n;
            long timestamp = timestampAt(logical);
            if (full && timestamp != lastTaken) {
                break;
            }
            int at = physical(logical);
            if ((kindMask & 1 << StoredKind.v2Kind(kinds[at])) == 0) {
                continue;
            }
            Entry entry = filter.apply(new Entry(timestamp, kinds[at], envelopes[at]));
            if (entry != null) {
                out.add(entry);
                lastTaken = timestamp;
                full = out.size() >= limit;
            }
        }
        return out;
    }

    int size() {
        return size;
    }

    long expired() {
        return expired;
    }

    /** Oldest timestamp held; only meaningful when {@link #size()} is not 0. */
    long oldest() {
        return timestampAt(0);
    }

    long newest() {
        return newest;
    }

    long lastWriteNanos() {
        return lastWriteNanos;
    }

    /** Bytes held by the source and every entry, for a source forgotten whole. */
    long bytesHeld() {
        long bytes = SOURCE_OVERHEAD + (series == null ? 0 : series.bytes());
        for (int i = 0; i < size; i++) {
            bytes += envelopes[physical(i)].length + ENTRY_OVERHEAD;
        }
        return bytes;
    }

    /**
     * Visits the metric samples of entries in [start, end), oldest first or newest first, until the
     * visitor returns false.
     */
    void forEachPoint(long start, long end, boolean newestFirst, PointVisitor visitor) {
        if (points == null) {
            return;
        }
        int from = lowerBound(start);
        int to = lowerBound(end);
        for (int n = 0; n < to - from; n++) {
            int at = physical(newestFirst ? to - 1 - n : from + n);
            MetricPoint point = points[at];
            if (point != null && !visitor.visit(timestamps[at], point)) {
                return;
            }
        }
    }

    /** One entry's metric samples, for {@link #forEachPoint}. */
    @FunctionalInterface
    interface PointVisitor {
        boolean visit(long timestamp, MetricPoint point);
    }

    private long timestampAt(int logical) {
        return timestamps[physical(logical)];
    }

    private int physical(int logical) {
        int at = head + logical;
        return at >= timestamps.length ? at - timestamps.length : at;
    }

    /** First logical index whose timestamp is >= {@code timestamp}. */
    private int lowerBound(long timestamp) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (timestampAt(mid) < timestamp) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** First logical index whose timestamp is > {@code timestamp}. */
    private int upperBound(long timestamp) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (timestampAt(mid) <= timestamp) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void grow() {
        int capacity = (int) Math.min(maxEntries, (long) timestamps.length * 2);
        long[] newTimestamps = new long[capacity];
        byte[][] newEnvelopes = new byte[capacity][];
        byte[] newKinds = new byte[capacity];
        MetricPoint[] newPoints = points == null ? null : new MetricPoint[capacity];
        for (int i = 0; i < size; i++) {
            int at = physical(i);
            newTimestamps[i] = timestamps[at];
            newEnvelopes[i] = envelopes[at];
            newKinds[i] = kinds[at];
            if (newPoints != null) {
                newPoints[i] = points[at];
            }
        }
        timestamps = newTimestamps;
        envelopes = newEnvelopes;
        kinds = newKinds;
        points = newPoints;
        head = 0;
    }

    /** Turns a stored entry into what a read returns, or null to skip it (a name filter that does not match). */
    @FunctionalInterface
    interface EntryFilter {
        Entry apply(Entry entry);
    }
}
