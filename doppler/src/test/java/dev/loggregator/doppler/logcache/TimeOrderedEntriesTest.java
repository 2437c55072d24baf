package dev.loggregator.doppler.logcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The blocks against a plain list kept in timestamp order (stable: equal timestamps in arrival order),
 * with small blocks so that inserts, splits, compaction and evictions across many blocks all happen,
 * and envelopes of varied lengths in small slabs, so that blocks fill by bytes and slabs are repacked.
 */
class TimeOrderedEntriesTest {
    private record Stored(long timestamp, int id) {
    }

    @Test
    void holdsEntriesInTimestampOrderThroughLateInsertsSplitsAndEvictions() {
        Random random = new Random(7);
        for (int[] sizes : new int[][] {{2, 1 << 20}, {3, 1 << 20}, {8, 1 << 20}, {64, 1 << 20}, {64, 40}, {8, 16}, {1024, 300}}) {
            // Blocks emptied by expiry go to the pool and come back as the next ones.
            TimeOrderedEntries entries = new TimeOrderedEntries(500, sizes[0], sizes[1],
                    new BlockPool(Math.min(sizes[0], 500), Long.MAX_VALUE));
            List<Stored> expected = new ArrayList<>();
            long clock = 1000;
            for (int id = 0; id < 5000; id++) {
                clock += random.nextInt(3);
                long timestamp = switch (random.nextInt(4)) {
                    case 0 -> clock - random.nextInt(2000); // late, possibly older than everything held
                    case 1 -> clock - random.nextInt(5); // a little late, often equal to others
                    default -> clock;
                };
                if (expected.size() == 500 || random.nextInt(10) == 0 && !expected.isEmpty()) {
                    assertEquals(expected.get(0).timestamp(), entries.oldestTimestamp());
                    assertEquals(expected.get(0).id(), oldestId(entries));
                    assertEquals(bytes(expected.get(0).id()).length, entries.oldestLength());
                    expected.remove(0);
                    entries.removeOldest();
                }
                entries.insert(timestamp, (byte) 0, bytes(id), null);
                int at = expected.size();
                while (at > 0 && expected.get(at - 1).timestamp() > timestamp) {
                    at--;
                }
                expected.add(at, new Stored(timestamp, id));
                assertEquals(expected.size(), entries.size());
                if (id % 97 == 0) {
                    assertSame(expected, all(entries));
                    long from = timestamp - random.nextInt(100);
                    long to = from + random.nextInt(200);
                    List<Stored> range = expected.stream().filter(s -> s.timestamp() >= from && s.timestamp() < to).toList();
                    assertSame(range, visit(entries, from, to, false));
                    List<Stored> reversed = new ArrayList<>(range);
                    java.util.Collections.reverse(reversed);
                    assertSame(reversed, visit(entries, from, to, true));
                }
            }
            assertSame(expected, visit(entries, Long.MIN_VALUE, Long.MAX_VALUE, false));
            expected.sort(Comparator.comparingLong(Stored::timestamp)); // stable: a no-op if the order was right
            assertSame(expected, all(entries));
        }
    }

    @Test
    void visitsStopWhenTheVisitorSaysSo() {
        TimeOrderedEntries entries = new TimeOrderedEntries(100, 4, 1 << 20, BlockPool.none());
        for (int i = 0; i < 20; i++) {
            entries.insert(i, (byte) 0, bytes(i), null);
        }
        List<Integer> seen = new ArrayList<>();
        entries.visit(5, 15, true, (timestamp, kind, slab, offset, length, point) -> {
            seen.add(id(slab, offset, length));
            return seen.size() < 3;
        });
        assertEquals(List.of(14, 13, 12), seen);
    }

    @Test
    void sourcesSharingAPoolKeepTheirOwnEntriesWhenOneTakesTheOthersExpiredBlocks() {
        BlockPool pool = new BlockPool(8, 4_000);
        TimeOrderedEntries a = new TimeOrderedEntries(40, 8, 1 << 20, pool);
        TimeOrderedEntries b = new TimeOrderedEntries(1000, 8, 1 << 20, pool);
        List<Stored> expectedA = new ArrayList<>();
        List<Stored> expectedB = new ArrayList<>();
        for (int id = 0; id < 600; id++) {
            if (expectedA.size() == 40) {
                a.removeOldest();
                expectedA.remove(0);
            }
            a.insert(id, (byte) 0, bytes(id), null);
            expectedA.add(new Stored(id, id));
            if (id % 3 == 0) { // b grows on a's expired blocks
                b.insert(id, (byte) 1, bytes(100_000 + id), null);
                expectedB.add(new Stored(id, 100_000 + id));
            }
        }
        assertSame(expectedA, all(a));
        assertSame(expectedB, all(b));
        assertTrue(pool.reused() > 10, "reused " + pool.reused());
        assertTrue(pool.bytes() > 0 && pool.bytes() <= 4_000, "a gives more than b takes: the pool keeps up to its bound, "
                + pool.bytes());
    }

    private static void assertSame(List<Stored> expected, List<Stored> actual) {
        assertEquals(expected, actual);
    }

    private static List<Stored> all(TimeOrderedEntries entries) {
        List<Stored> out = new ArrayList<>();
        entries.forEach((timestamp, kind, slab, offset, length, point) -> out.add(new Stored(timestamp, id(slab, offset, length))));
        return out;
    }

    private static List<Stored> visit(TimeOrderedEntries entries, long from, long to, boolean newestFirst) {
        List<Stored> out = new ArrayList<>();
        entries.visit(from, to, newestFirst, (timestamp, kind, slab, offset, length, point) -> out.add(new Stored(timestamp, id(slab, offset, length))));
        return out;
    }

    private static int oldestId(TimeOrderedEntries entries) {
        int[] id = new int[1];
        entries.forEach((timestamp, kind, slab, offset, length, point) -> {
            id[0] = id(slab, offset, length);
            return false;
        });
        return id[0];
    }

    /** The id, then 0 to 12 bytes that repeat its last byte (checked on the way out, so bytes of a neighbour show). */
    private static byte[] bytes(int id) {
        byte[] bytes = new byte[4 + id % 13];
        bytes[0] = (byte) (id >> 24);
        bytes[1] = (byte) (id >> 16);
        bytes[2] = (byte) (id >> 8);
        java.util.Arrays.fill(bytes, 3, bytes.length, (byte) id);
        return bytes;
    }

    private static int id(byte[] slab, int offset, int length) {
        int id = (slab[offset] & 0xff) << 24 | (slab[offset + 1] & 0xff) << 16 | (slab[offset + 2] & 0xff) << 8 | slab[offset + 3] & 0xff;
        assertEquals(bytes(id).length, length);
        for (int i = 3; i < length; i++) {
            assertEquals((byte) id, slab[offset + i]);
        }
        return id;
    }
}
