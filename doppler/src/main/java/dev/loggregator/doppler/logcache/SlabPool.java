package dev.loggregator.doppler.logcache;

/**
 * Slabs of blocks that emptied ({@link TimeOrderedEntries}), kept for the next blocks rather than left to
 * the collector: a store at its budget expires its oldest blocks as fast as it fills new ones, and a
 * slab taken from here has long been in the old generation, so storing an envelope then copies it once,
 * into the slab, and no young collection copies it again (nor does a full collection have to reclaim the
 * slab it replaced). At most {@code maxSlabs} slabs and {@code maxBytes} bytes are kept, outside the
 * store's budget; a slab that does not fit is left to the collector. Thread-safe: the router thread and the
 * pruner take and give under the lock of whichever source they work on (this lock is always the innermost).
 */
final class SlabPool {
    private final int maxSlabs;
    private final long maxBytes;
    private final int minSlab;
    private final byte[][] slabs;
    private int count;
    private long bytes;

    /** @param minSlab smaller slabs are not worth keeping (small sources' blocks, which come and go with the source) */
    SlabPool(int maxSlabs, long maxBytes, int minSlab) {
        this.maxSlabs = maxSlabs;
        this.maxBytes = maxBytes;
        this.minSlab = minSlab;
        this.slabs = new byte[maxSlabs][];
    }

    /** A kept slab of {@code wanted} to a quarter more bytes, else a new one of {@code wanted}. */
    synchronized byte[] take(int wanted) {
        int most = wanted + wanted / 4;
        for (int i = count - 1; i >= 0; i--) {
            byte[] slab = slabs[i];
            if (slab.length >= wanted && slab.length <= most) {
                slabs[i] = slabs[--count];
                slabs[count] = null;
                bytes -= slab.length;
                return slab;
            }
        }
        return new byte[wanted];
    }

    synchronized void give(byte[] slab) {
        if (slab.length < minSlab || count == maxSlabs || bytes + slab.length > maxBytes) {
            return;
        }
        slabs[count++] = slab;
        bytes += slab.length;
    }

    synchronized long bytes() {
        return bytes;
    }
}
