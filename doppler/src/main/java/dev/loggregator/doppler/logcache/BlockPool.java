package dev.loggregator.doppler.logcache;

import java.util.Arrays;

/**
 * Blocks that emptied as their source's oldest entries expired ({@link TimeOrderedEntries}), kept for the
 * next blocks any source starts rather than left to the collector. A store at its budget expires blocks as
 * fast as it fills new ones: with new blocks, every envelope was copied a second time by the young
 * collection that promoted its block, and the blocks it replaced piled up in the old generation until a
 * full collection (40-60 ms every 2.5 s at 300,000 envelopes/s with a 1 GiB heap) reclaimed them. A block
 * from here has long been in the old generation, so an envelope stored into it is copied once.
 *
 * <p>Only blocks of the store's full size ({@code capacity} entries) are kept, at most {@code maxBytes}
 * of them (their arrays and slabs): the store counts them in its budget ({@link LogCacheStore#prune}).
 * Thread-safe: the router thread and the pruner take and give under the lock of whichever source they
 * work on; this lock is always the innermost.
 */
final class BlockPool {
    private final int capacity;
    private final long maxBytes;
    private EntryBlock[] blocks = new EntryBlock[16];
    private int count;
    private volatile long bytes; // read without the lock by the pruner
    private long reused;

    BlockPool(int capacity, long maxBytes) {
        this.capacity = capacity;
        this.maxBytes = maxBytes;
    }

    /** A pool that keeps nothing: every block is new. */
    static BlockPool none() {
        return new BlockPool(0, 0);
    }

    /**
     * An empty block of {@code capacity} entries whose slab holds {@code slabBytes} to an eighth more: a
     * kept one when there is one (with a new slab if its own does not fit), else a new one.
     */
    EntryBlock take(int capacity, int slabBytes) {
        EntryBlock block = capacity == this.capacity ? pop() : null;
        if (block == null) {
            return new EntryBlock(capacity, slabBytes);
        }
        block.reset(block.slab.length >= slabBytes && block.slab.length <= slabBytes + slabBytes / 8
                ? block.slab : new byte[slabBytes]);
        return block;
    }

    /** An empty block no source refers to any more. */
    synchronized void give(EntryBlock block) {
        long size = block.heapBytes();
        if (block.capacity() != capacity || bytes + size > maxBytes) {
            return;
        }
        if (count == blocks.length) {
            blocks = Arrays.copyOf(blocks, count * 2);
        }
        blocks[count++] = block;
        bytes += size;
    }

    private synchronized EntryBlock pop() {
        if (count == 0) {
            return null;
        }
        EntryBlock block = blocks[--count];
        blocks[count] = null;
        bytes -= block.heapBytes();
        reused++;
        return block;
    }

    /** Heap held by the kept blocks. */
    long bytes() {
        return bytes;
    }

    /** Blocks ever taken from the pool instead of made. */
    synchronized long reused() {
        return reused;
    }
}
