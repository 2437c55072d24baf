package dev.loggregator.doppler.logcache;

import java.util.Arrays;

/**
 * One block of {@link TimeOrderedEntries}: up to its capacity of entries in parallel arrays (timestamp,
 * where the envelope's bytes lie in the block's slab, kind and, once the source has metrics, the sample),
 * live in {@code [start, end)}, and the slab their bytes were copied into.
 */
final class EntryBlock {
    long[] timestamps;
    int[] offsets;
    int[] lengths;
    byte[] kinds;
    /** Null until an entry with samples arrives. */
    MetricPoint[] points;
    int start;
    int end;
    byte[] slab;
    /** Where the next entry's bytes go in the slab. */
    int slabUsed;
    /** Bytes of the entries in [start, end). */
    int liveBytes;

    EntryBlock(int capacity, int slabCapacity) {
        timestamps = new long[capacity];
        offsets = new int[capacity];
        lengths = new int[capacity];
        kinds = new byte[capacity];
        slab = new byte[slabCapacity];
    }

    /** Empties the block (kept in a {@link BlockPool}) for a new run of entries, with {@code slab} for their bytes. */
    void reset(byte[] slab) {
        this.slab = slab;
        start = 0;
        end = 0;
        slabUsed = 0;
        liveBytes = 0;
        if (points != null) {
            Arrays.fill(points, null);
        }
    }

    /** The heap the block's arrays and slab take (a {@link BlockPool} counts what it keeps). */
    long heapBytes() {
        int arrays = timestamps.length * (8 + 4 + 4 + 1) + (points == null ? 0 : points.length * 4);
        return arrays + slab.length + 6 * 16L;
    }

    int capacity() {
        return timestamps.length;
    }

    int count() {
        return end - start;
    }

    long first() {
        return timestamps[start];
    }

    long last() {
        return timestamps[end - 1];
    }

    /** First index in [start, end) whose timestamp is > {@code timestamp} (or >= with {@code inclusive}). */
    int bound(long timestamp, boolean inclusive) {
        int lo = start;
        int hi = end;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (inclusive ? timestamps[mid] < timestamp : timestamps[mid] <= timestamp) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Moves the entries to the front (for room at the end); returns how far they moved. */
    int compact() {
        int shift = start;
        if (shift > 0) {
            moveWithin(start, 0, end - start);
            if (points != null) {
                Arrays.fill(points, end - shift, end, null);
            }
            start = 0;
            end -= shift;
        }
        return shift;
    }

    void resize(int capacity) {
        timestamps = Arrays.copyOf(timestamps, capacity);
        offsets = Arrays.copyOf(offsets, capacity);
        lengths = Arrays.copyOf(lengths, capacity);
        kinds = Arrays.copyOf(kinds, capacity);
        if (points != null) {
            points = Arrays.copyOf(points, capacity);
        }
    }

    void moveWithin(int from, int to, int count) {
        System.arraycopy(timestamps, from, timestamps, to, count);
        System.arraycopy(offsets, from, offsets, to, count);
        System.arraycopy(lengths, from, lengths, to, count);
        System.arraycopy(kinds, from, kinds, to, count);
        if (points != null) {
            System.arraycopy(points, from, points, to, count);
        }
    }

    /** Before an entry of {@code length} bytes is put in (and before entries move to make its place). */
    void makeRoom(int length) {
        if (slab.length - slabUsed < length) {
            repack(liveBytes + length + (liveBytes + length) / 2);
        }
    }

    void put(int at, long timestamp, byte kind, byte[] bytes, MetricPoint point) {
        if (point != null && points == null) {
            points = new MetricPoint[capacity()];
        }
        System.arraycopy(bytes, 0, slab, slabUsed, bytes.length);
        timestamps[at] = timestamp;
        offsets[at] = slabUsed;
        lengths[at] = bytes.length;
        kinds[at] = kind;
        if (points != null) {
            points[at] = point;
        }
        slabUsed += bytes.length;
        liveBytes += bytes.length;
    }

    /**
     * Copies the entries' bytes, in entry order and without the bytes of entries gone, into a new slab
     * of {@code capacity} bytes. The old slab is left as it was: a read that copied an entry's place
     * before this still finds its bytes there.
     */
    void repack(int capacity) {
        byte[] packed = new byte[capacity];
        int used = 0;
        for (int i = start; i < end; i++) {
            System.arraycopy(slab, offsets[i], packed, used, lengths[i]);
            offsets[i] = used;
            used += lengths[i];
        }
        slab = packed;
        slabUsed = used;
    }

    /**
     * Drops the room a full block will not use when it is more than a quarter of what it holds (a block
     * made for this many bytes has an eighth spare, one from a {@link BlockPool} up to about a quarter).
     */
    void trim() {
        if (slab.length - liveBytes > liveBytes / 4) {
            repack(liveBytes);
        }
    }

    MetricPoint point(int at) {
        return points == null ? null : points[at];
    }

    boolean visit(int at, TimeOrderedEntries.Visitor visitor) {
        return visitor.visit(timestamps[at], kinds[at], slab, offsets[at], lengths[at], point(at));
    }
}
