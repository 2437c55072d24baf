package dev.loggregator.doppler.logcache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loggregator.wire.v2.V2Kind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One source's ordered log: ordering, equal timestamps, the cap, ranges and Log Cache's equal-timestamp rule. */
class SourceLogTest {
    private static final byte LOG = StoredKind.of(V2Kind.LOG, false);
    private static final byte GAUGE = StoredKind.of(V2Kind.GAUGE, false);

    private static List<String> texts(List<SourceLog.Entry> entries) {
        return entries.stream().map(e -> new String(e.bytes(), StandardCharsets.UTF_8)).toList();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<SourceLog.Entry> all(SourceLog log, boolean descending) {
        return log.read(Long.MIN_VALUE, Long.MAX_VALUE, 1000, descending, -1, e -> e);
    }

    @Test
    void lateEnvelopesTakeTheirPlaceAndEqualTimestampsNeverOverwrite() {
        SourceLog log = new SourceLog("s", 100, BlockPool.none());
        log.add(10, LOG, bytes("a10"), 0);
        log.add(30, LOG, bytes("c30"), 0);
        log.add(20, LOG, bytes("b20"), 0);
        log.add(20, LOG, bytes("b20-second"), 0);
        log.add(5, LOG, bytes("z5"), 0);
        assertEquals(List.of("z5", "a10", "b20", "b20-second", "c30"), texts(all(log, false)));
        assertEquals(List.of("c30", "b20-second", "b20", "a10", "z5"), texts(all(log, true)));
        assertEquals(5, log.oldest());
        assertEquals(30, log.newest());
    }

    @Test
    void atTheCapTheOldestExpires() {
        SourceLog log = new SourceLog("s", 3, BlockPool.none());
        long held = 0;
        for (int i = 1; i <= 5; i++) {
            held += log.add(i, LOG, bytes("e" + i), 0);
        }
        assertEquals(List.of("e3", "e4", "e5"), texts(all(log, false)));
        assertEquals(2, log.expired());
        assertEquals(3 * (2 + SourceLog.ENTRY_OVERHEAD), held);
    }

    @Test
    void startIsInclusiveEndExclusiveAndKindsFilter() {
        SourceLog log = new SourceLog("s", 100, BlockPool.none());
        for (int i = 0; i < 10; i++) {
            log.add(i * 10, i % 2 == 0 ? LOG : GAUGE, bytes("e" + i), 0);
        }
        assertEquals(List.of("e2", "e3", "e4"), texts(log.read(20, 50, 100, false, -1, e -> e)));
        assertEquals(List.of("e2", "e4"), texts(log.read(20, 50, 100, false, V2Kind.LOG.bit(), e -> e)));
        assertEquals(List.of("e4", "e3"), texts(log.read(20, 50, 2, true, -1, e -> e)));
    }

    @Test
    void aLimitNeverCutsARunOfEqualTimestamps() {
        SourceLog log = new SourceLog("s", 100, BlockPool.none());
        log.add(1, LOG, bytes("a"), 0);
        log.add(2, LOG, bytes("b1"), 0);
        log.add(2, LOG, bytes("b2"), 0);
        log.add(2, LOG, bytes("b3"), 0);
        log.add(3, LOG, bytes("c"), 0);
        assertEquals(List.of("a", "b1", "b2", "b3"), texts(log.read(0, 10, 2, false, -1, e -> e)));
    }

    @Test
    void growsAndWrapsKeepingOrder() {
        SourceLog log = new SourceLog("s", 50, BlockPool.none());
        for (int i = 0; i < 120; i++) {
            // every fifth arrives late, before the two newest
            long timestamp = i % 5 == 4 ? i - 2 : i;
            log.add(timestamp, LOG, bytes(Long.toString(timestamp)), 0);
        }
        List<SourceLog.Entry> entries = all(log, false);
        assertEquals(50, entries.size());
        for (int i = 1; i < entries.size(); i++) {
            assertEquals(true, entries.get(i - 1).timestamp() <= entries.get(i).timestamp());
        }
    }
}
