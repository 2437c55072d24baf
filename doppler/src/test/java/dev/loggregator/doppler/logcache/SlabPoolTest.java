package dev.loggregator.doppler.logcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class SlabPoolTest {
    @Test
    void givesBackAKeptSlabOfTheWantedSizeToAQuarterMore() {
        SlabPool pool = new SlabPool(8, 1 << 20, 100);
        byte[] kept = new byte[1000];
        pool.give(kept);
        assertEquals(1000, pool.bytes());
        assertNotSame(kept, pool.take(1001), "too small");
        assertNotSame(kept, pool.take(799), "more than a quarter too big");
        byte[] fresh = pool.take(2000);
        assertEquals(2000, fresh.length);
        assertSame(kept, pool.take(800));
        assertEquals(0, pool.bytes());
        assertEquals(800, pool.take(800).length, "a new one once the pool is empty");
    }

    @Test
    void keepsAtMostItsCountAndBytesAndNoSmallSlabs() {
        SlabPool pool = new SlabPool(2, 2500, 100);
        pool.give(new byte[99]);
        assertEquals(0, pool.bytes());
        pool.give(new byte[1000]);
        pool.give(new byte[1000]);
        pool.give(new byte[1000]);
        assertEquals(2000, pool.bytes());
        pool.take(1000);
        pool.give(new byte[1000]);
        assertEquals(2000, pool.bytes());
        pool.take(1000);
        pool.give(new byte[1600]);
        assertEquals(1000, pool.bytes(), "past the byte bound");
    }
}
