package dev.loggregator.doppler.logcache;

import java.util.Arrays;

/**
 * A source's entries in timestamp order, in blocks of at most {@value #BLOCK} entries held in parallel
 * arrays (a timestamp, where the envelope's bytes lie in the block's slab, a kind byte and, once the
 * source has metrics, its samples per entry: no node object per entry). An entry in order is appended to
 * the last block; a late one is put in its block, after any entry with the same timestamp, moving at most
 * that block's newer entries, and a full block splits in two: an insert costs a binary search and at most
 * one block's worth of moves, however late the entry and however many the source holds. The oldest entry
 * leaves from the front of the first block. A source starts with a block of one entry whose slab holds just
 * that entry's bytes, and both grow as entries come (the arrays doubling, the slab by half again when
 * repacked): a burst of many sources that send an envelope or two each (a million app ids) costs the
 * store about 400 bytes per source besides the envelopes. A first block of 4 entries with a slab for 4
 * such envelopes cost about 1,230 bytes per 200-byte envelope, twice what the store counts per source
 * ({@link SourceLog#SOURCE_OVERHEAD}), so its budget held far more heap than it said.
 *
 * <p>The envelopes' bytes are copied into one array per block (its slab, at most about
 * {@value #SLAB_BYTES} bytes of entries) rather than kept as the byte array each arrived in: a store at
 * its budget holds millions of envelopes, and as millions of small arrays each survived young
 * collections to be copied and then had to be marked and compacted by full ones, which stalled the
 * Doppler's delivery for up to a second; a few thousand slabs cost the collector next to nothing. A slab
 * is only ever written past its last entry; entries removed or moved to another block leave their bytes
 * behind until the slab is repacked (when it runs out of room) or the block goes. A block emptied by
 * expiry goes to the store's {@link BlockPool} and a new block is taken from it (so a store at its budget
 * writes its envelopes into blocks long in the old generation); reads copy an entry's bytes out before
 * the lock is let go, so no reader still looks at a block that went. Not thread-safe: {@link SourceLog} locks.
 */
final class TimeOrderedEntries {
    static final int BLOCK = 1024;
    /** A block holding this many bytes of entries is full, whatever its count (so large envelopes do not make huge slabs). */
    static final int SLAB_BYTES = 1 << 20;
    private static final int INITIAL_CAPACITY = 1;

    /** One entry as {@link #visit} hands it out: its bytes are {@code length} bytes of {@code slab} from {@code offset}. */
    @FunctionalInterface
    interface Visitor {
        /** Returns false to stop. */
        boolean visit(long timestamp, byte kind, byte[] slab, int offset, int length, MetricPoint point);
    }

    private final int maxBlock;
    private final int slabBytes;
    private final BlockPool pool;
    private EntryBlock[] blocks = new EntryBlock[1];
    private int blockCount;
    private int size;

    /**
     * @param maxEntries the most entries ever held, so a small source never gets a block bigger than that
     * @param pool       where full-size blocks come from and go back to (shared by the store's sources)
     */
    TimeOrderedEntries(int maxEntries, BlockPool pool) {
        this(maxEntries, BLOCK, SLAB_BYTES, pool);
    }

    TimeOrderedEntries(int maxEntries, int blockSize, int slabBytes, BlockPool pool) {
        this.maxBlock = blockSize(maxEntries, blockSize);
        this.slabBytes = slabBytes;
        this.pool = pool;
    }

    /** The entries of a full block of a source holding at most {@code maxEntries}. */
    static int blockSize(int maxEntries) {
        return blockSize(maxEntries, BLOCK);
    }

    private static int blockSize(int maxEntries, int blockSize) {
        return Math.max(2, Math.min(blockSize, maxEntries)); // 2: a split leaves an entry on each side
    }

    int size() {
        return size;
    }

    /** Only when {@link #size()} is not 0. */
    long oldestTimestamp() {
        return blocks[0].first();
    }

    /** The byte length of the oldest entry; only when {@link #size()} is not 0. */
    int oldestLength() {
        return blocks[0].lengths[blocks[0].start];
    }

    MetricPoint oldestPoint() {
        return blocks[0].point(blocks[0].start);
    }

    void removeOldest() {
        EntryBlock first = blocks[0];
        if (first.points != null) {
            first.points[first.start] = null;
        }
        first.liveBytes -= first.lengths[first.start];
        first.start++;
        size--;
        if (first.start == first.end) {
            if (blockCount == 1) {
                first.start = 0;
                first.end = 0;
                first.slabUsed = 0;
            } else {
                System.arraycopy(blocks, 1, blocks, 0, blockCount - 1);
                blocks[--blockCount] = null;
                pool.give(first);
            }
        }
    }

    /** Copies the entry in and puts it at its place: after every entry with a timestamp at or before its own. */
    void insert(long timestamp, byte kind, byte[] bytes, MetricPoint point) {
        if (blockCount == 0) {
            blocks[0] = new EntryBlock(INITIAL_CAPACITY, bytes.length);
            blockCount = 1;
        }
        int index = blockCount - 1;
        EntryBlock block = blocks[index];
        int at;
        if (block.end == block.start || timestamp >= block.last()) {
            at = block.end;
        } else {
            index = blockFor(timestamp);
            block = blocks[index];
            at = block.bound(timestamp, false);
        }
        boolean fullOfBytes = block.count() >= 2 && block.liveBytes + bytes.length > slabBytes;
        if (block.end == block.capacity() || fullOfBytes) {
            if (!fullOfBytes && block.start > 0) {
                at -= block.compact();
            } else if (!fullOfBytes && block.capacity() < maxBlock) {
                block.resize(Math.min(maxBlock, block.capacity() * 2));
            } else {
                boolean appending = at == block.end && index == blockCount - 1;
                EntryBlock upper = split(index, appending);
                if (appending) {
                    block = upper;
                    at = 0;
                } else if (at > block.end) {
                    at -= block.end;
                    block = upper;
                }
            }
        }
        block.makeRoom(bytes.length);
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
     * arrived in order stay full; the full one gives back its slab's spare room, and the new one's slab is
     * sized for as many bytes as the full one holds, so that it seldom grows).
     */
    private EntryBlock split(int index, boolean appending) {
        EntryBlock block = blocks[index];
        int half = appending ? block.end : (block.start + block.end) >>> 1;
        int movedBytes = 0;
        for (int i = half; i < block.end; i++) {
            movedBytes += block.lengths[i];
        }
        int expectedBytes = Math.min(block.liveBytes + block.liveBytes / 8, slabBytes + slabBytes / 8);
        EntryBlock upper = pool.take(maxBlock, Math.max(movedBytes, expectedBytes));
        if (appending) {
            block.trim();
        } else {
            int moved = block.end - half;
            System.arraycopy(block.timestamps, half, upper.timestamps, 0, moved);
            System.arraycopy(block.kinds, half, upper.kinds, 0, moved);
            if (block.points != null) {
                if (upper.points == null) {
                    upper.points = new MetricPoint[maxBlock];
                }
                System.arraycopy(block.points, half, upper.points, 0, moved);
                Arrays.fill(block.points, half, block.end, null);
            }
            for (int i = half; i < block.end; i++) {
                int length = block.lengths[i];
                System.arraycopy(block.slab, block.offsets[i], upper.slab, upper.slabUsed, length);
                upper.offsets[i - half] = upper.slabUsed;
                upper.lengths[i - half] = length;
                upper.slabUsed += length;
            }
            upper.liveBytes = upper.slabUsed;
            block.liveBytes -= upper.liveBytes;
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
                EntryBlock block = blocks[index];
                for (int i = at - 1; i >= block.start; i--) {
                    if (block.timestamps[i] < start || !block.visit(i, visitor)) {
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
                EntryBlock block = blocks[index];
                for (int i = at; i < block.end; i++) {
                    if (block.timestamps[i] >= end || !block.visit(i, visitor)) {
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
            EntryBlock block = blocks[index];
            for (int i = block.start; i < block.end; i++) {
                if (!block.visit(i, visitor)) {
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
