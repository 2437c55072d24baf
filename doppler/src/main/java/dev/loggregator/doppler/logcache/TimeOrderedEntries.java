package dev.loggregator.doppler.logcache;

import java.util.Arrays;

/**
 * A source's entries in timestamp order, in blocks of at most {@value #BLOCK} entries held in parallel
 * arrays (a timestamp, the envelope's bytes, a kind byte and, once the source has metrics, its samples
 * per entry: no node object per entry). An entry in order is appended to the last block; a late one is
 * put in its block, after any entry with the same timestamp, moving at most that block's newer
 * entries, and a full block splits in two: an insert costs a binary search and at most one block's
 * worth of moves, however late the entry and however many the source holds. The oldest entry leaves
 * from the front of the first block. Small sources start with a small block that grows by doubling.
 * Not thread-safe: {@link SourceLog} locks.
 */
final class TimeOrderedEntries {
    static final int BLOCK = 1024;
    private static final int INITIAL_CAPACITY = 4;

    /** One entry as {@link #visit} hands it out. */
    @FunctionalInterface
    interface Visitor {
        /** Returns false to stop. */
        boolean visit(long timestamp, byte kind, byte[] bytes, MetricPoint point);
    }

    private static final class Block {
        long[] timestamps;
        byte[][] envelopes;
        byte[] kinds;
        /** Null until an entry with samples arrives. */
        MetricPoint[] points;
        int start;
        int end;

        Block(int capacity) {
            timestamps = new long[capacity];
            envelopes = new byte[capacity][];
            kinds = new byte[capacity];
        }

        int capacity() {
            return timestamps.length;
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
                clear(end - shift, end);
                start = 0;
                end -= shift;
            }
            return shift;
        }

        void resize(int capacity) {
            timestamps = Arrays.copyOf(timestamps, capacity);
            envelopes = Arrays.copyOf(envelopes, capacity);
            kinds = Arrays.copyOf(kinds, capacity);
            if (points != null) {
                points = Arrays.copyOf(points, capacity);
            }
        }

        void moveWithin(int from, int to, int count) {
            System.arraycopy(timestamps, from, timestamps, to, count);
            System.arraycopy(envelopes, from, envelopes, to, count);
            System.arraycopy(kinds, from, kinds, to, count);
            if (points != null) {
                System.arraycopy(points, from, points, to, count);
            }
        }

        void clear(int from, int to) {
            Arrays.fill(envelopes, from, to, null);
            if (points != null) {
                Arrays.fill(points, from, to, null);
            }
        }

        void put(int at, long timestamp, byte kind, byte[] bytes, MetricPoint point) {
            if (point != null && points == null) {
                points = new MetricPoint[capacity()];
            }
            timestamps[at] = timestamp;
            envelopes[at] = bytes;
            kinds[at] = kind;
            if (points != null) {
                points[at] = point;
            }
        }

        MetricPoint point(int at) {
            return points == null ? null : points[at];
        }
    }

    private final int maxBlock;
    private Block[] blocks = new Block[1];
    private int blockCount;
    private int size;

    /** @param maxEntries the most entries ever held, so a small source never gets a block bigger than that */
    TimeOrderedEntries(int maxEntries) {
        this(maxEntries, BLOCK);
    }

    TimeOrderedEntries(int maxEntries, int blockSize) {
        this.maxBlock = Math.max(2, Math.min(blockSize, maxEntries)); // 2: a split leaves an entry on each side
    }

    int size() {
        return size;
    }

    /** Only when {@link #size()} is not 0. */
    long oldestTimestamp() {
        return blocks[0].first();
    }

    byte[] oldestBytes() {
        return blocks[0].envelopes[blocks[0].start];
    }

    MetricPoint oldestPoint() {
        return blocks[0].point(blocks[0].start);
    }

    void removeOldest() {
        Block first = blocks[0];
        first.clear(first.start, first.start + 1);
        first.start++;
        size--;
        if (first.start == first.end) {
            if (blockCount == 1) {
                first.start = 0;
                first.end = 0;
            } else {
                System.arraycopy(blocks, 1, blocks, 0, blockCount - 1);
                blocks[--blockCount] = null;
            }
        }
    }

    /** Puts the entry at its place: after every entry with a timestamp at or before its own. */
    void insert(long timestamp, byte kind, byte[] bytes, MetricPoint point) {
        if (blockCount == 0) {
            blocks[0] = new Block(Math.min(INITIAL_CAPACITY, maxBlock));
            blockCount = 1;
        }
        int index = blockCount - 1;
        Block block = blocks[index];
        int at;
        if (block.end == block.start || timestamp >= block.last()) {
            at = block.end;
        } else {
            index = blockFor(timestamp);
            block = blocks[index];
            at = block.bound(timestamp, false);
        }
        if (block.end == block.capacity()) {
            if (block.start > 0) {
                at -= block.compact();
            } else if (block.capacity() < maxBlock) {
                block.resize(Math.min(maxBlock, block.capacity() * 2));
            } else {
                boolean appending = at == block.end && index == blockCount - 1;
                Block upper = split(index, appending);
                if (appending) {
                    block = upper;
                    at = 0;
                } else if (at > block.end) {
                    at -= block.end;
                    block = upper;
                }
            }
        }
        if (at < block.end) {
            block.moveWithin(at, at + 1, block.end - at);
        }
        block.put(at, timestamp, kind, bytes, point);
        block.end++;
        size++;
    }

    /**
     * Splits the full block at {@code index}: its newer half moves to a new block right after it, or, for
     * an append to the last block, nothing moves and the new block is empty (so blocks of entries that
     * arrived in order stay full).
     */
    private Block split(int index, boolean appending) {
        Block block = blocks[index];
        Block upper = new Block(maxBlock);
        if (!appending) {
            int half = (block.start + block.end) >>> 1;
            int moved = block.end - half;
            System.arraycopy(block.timestamps, half, upper.timestamps, 0, moved);
            System.arraycopy(block.envelopes, half, upper.envelopes, 0, moved);
            System.arraycopy(block.kinds, half, upper.kinds, 0, moved);
            if (block.points != null) {
                upper.points = new MetricPoint[maxBlock];
                System.arraycopy(block.points, half, upper.points, 0, moved);
            }
            block.clear(half, block.end);
            block.end = half;
            upper.end = moved;
        }
        if (blockCount == blocks.length) {
            blocks = Arrays.copyOf(blocks, blocks.length * 2);
        }
        System.arraycopy(blocks, index + 1, blocks, index + 2, blockCount - index - 1);
        blocks[index + 1] = upper;
        blockCount++;
        return upper;
    }

    /** The block a late entry goes into: the last whose first timestamp is at or before it, else the first. */
    private int blockFor(long timestamp) {
        int lo = 0;
        int hi = blockCount;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (blocks[mid].first() <= timestamp) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return Math.max(0, lo - 1);
    }

    /** Entries in [start, end), oldest first or newest first, until the visitor returns false. */
    void visit(long start, long end, boolean newestFirst, Visitor visitor) {
        if (size == 0 || start >= end) {
            return;
        }
        if (newestFirst) {
            int index = firstBlockEndingAtOrAfter(end);
            int at;
            if (index == blockCount) {
                index = blockCount - 1;
                at = blocks[index].end;
            } else {
                at = blocks[index].bound(end, true);
            }
            while (index >= 0) {
                Block block = blocks[index];
                for (int i = at - 1; i >= block.start; i--) {
                    long timestamp = block.timestamps[i];
                    if (timestamp < start || !visitor.visit(timestamp, block.kinds[i], block.envelopes[i], block.point(i))) {
                        return;
                    }
                }
                if (--index >= 0) {
                    at = blocks[index].end;
                }
            }
        } else {
            int index = firstBlockEndingAtOrAfter(start);
            if (index == blockCount) {
                return;
            }
            int at = blocks[index].bound(start, true);
            for (; index < blockCount; index++) {
                Block block = blocks[index];
                for (int i = at; i < block.end; i++) {
                    long timestamp = block.timestamps[i];
                    if (timestamp >= end || !visitor.visit(timestamp, block.kinds[i], block.envelopes[i], block.point(i))) {
                        return;
                    }
                }
                if (index + 1 < blockCount) {
                    at = blocks[index + 1].start;
                }
            }
        }
    }

    /** Every entry, oldest first. */
    void forEach(Visitor visitor) {
        for (int index = 0; index < blockCount; index++) {
            Block block = blocks[index];
            for (int i = block.start; i < block.end; i++) {
                if (!visitor.visit(block.timestamps[i], block.kinds[i], block.envelopes[i], block.point(i))) {
                    return;
                }
            }
        }
    }

    /** The first block whose newest entry is at or after {@code timestamp}; {@code blockCount} when none. */
    private int firstBlockEndingAtOrAfter(long timestamp) {
        int lo = 0;
        int hi = blockCount;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (blocks[mid].last() < timestamp) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
