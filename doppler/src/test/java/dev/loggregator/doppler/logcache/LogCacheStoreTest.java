package dev.loggregator.doppler.logcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.loggregator.doppler.routing.RoutedEnvelope;
import dev.loggregator.wire.routing.EnvelopeRouting;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cloudfoundry.dropsonde.events.EventFactory;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.logcache.v1.LogCacheEgress.MetaInfo;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;
import org.junit.jupiter.api.Test;

/** The store's bounds: the memory budget expires the globally oldest, with exact counts; sources are bounded. */
class LogCacheStoreTest {
    private static RoutedEnvelope v2Log(String source, long timestamp, int payloadBytes) {
        Envelope envelope = Envelope.newBuilder().setSourceId(source).setTimestamp(timestamp)
                .setLog(Log.newBuilder().setPayload(ByteString.copyFrom(new byte[payloadBytes]))).build();
        byte[] bytes = envelope.toByteArray();
        return RoutedEnvelope.fromV2(bytes, envelope, new byte[0][], null, null);
    }

    @Test
    void pastTheBudgetTheGloballyOldestExpireWithExactCounts() {
        RoutedEnvelope sample = v2Log("a", 1, 200);
        long perEntry = sample.originalBytes().length + SourceLog.ENTRY_OVERHEAD;
        long budget = 1000 * perEntry;
        LogCacheStore store = new LogCacheStore(100_000, budget, 100);
        // Source a writes timestamps 0..1499, source b 10000..10499: a's are globally oldest. The pruner runs
        // every 100 writes, as it would meanwhile, so the writes never reach the budget's hard limit.
        for (int i = 0; i < 1500; i++) {
            store.add(v2Log("a", i, 200), 0);
            if (i % 100 == 99) {
                store.prune();
            }
        }
        for (int i = 0; i < 500; i++) {
            store.add(v2Log("b", 10_000 + i, 200), 0);
            if (i % 100 == 99) {
                store.prune();
            }
        }
        store.prune();
        assertTrue(store.bytesHeld() <= budget, store.bytesHeld() + " > " + budget);
        Map<String, MetaInfo> meta = store.meta();
        long expiredA = meta.get("a").getExpired();
        assertEquals(0, meta.get("b").getExpired(), "the newer source keeps everything");
        assertEquals(500, meta.get("b").getCount());
        assertEquals(1500 - expiredA, meta.get("a").getCount());
        assertEquals(expiredA, meta.get("a").getOldestTimestamp(), "a lost exactly its oldest");
        assertEquals(store.expiredByBudget(), expiredA);
        long expected = 2 * SourceLog.SOURCE_OVERHEAD;
        for (long i = expiredA; i < 1500; i++) {
            expected += v2Log("a", i, 200).originalBytes().length + SourceLog.ENTRY_OVERHEAD;
        }
        for (int i = 0; i < 500; i++) {
            expected += v2Log("b", 10_000 + i, 200).originalBytes().length + SourceLog.ENTRY_OVERHEAD;
        }
        assertEquals(expected, store.bytesHeld());
    }

    @Test
    void pastTheBudgetSourcesTiedOnTheOldestTimestampExpireAlike() {
        long perEntry = v2Log("a", 5, 200).originalBytes().length + SourceLog.ENTRY_OVERHEAD;
        // The 4,500 writes stay under the budget (its hard limit); the pruner's pass then expires about 570,
        // more than two stays of 256, so every source loses some.
        LogCacheStore store = new LogCacheStore(100_000, 4600 * perEntry, 100);
        for (int i = 0; i < 1500; i++) {
            for (String source : new String[] {"a", "b", "c"}) {
                store.add(v2Log(source, 5, 200), 0); // one timestamp for all, as agents batching in one clock tick
            }
        }
        store.prune();
        Map<String, MetaInfo> meta = store.meta();
        assertEquals(3, meta.size(), "no source expired whole: " + meta.keySet());
        long most = meta.values().stream().mapToLong(MetaInfo::getExpired).max().orElseThrow();
        long least = meta.values().stream().mapToLong(MetaInfo::getExpired).min().orElseThrow();
        assertTrue(least > 0 && most - least <= 256, "expired per source " + meta.values().stream().map(MetaInfo::getExpired).toList());
        assertEquals(store.expiredByBudget(), meta.values().stream().mapToLong(MetaInfo::getExpired).sum());
    }

    @Test
    void atTheBudgetAWriteReplacesItsSourcesOldestAndNewSourcesAreRefusedUntilThePrunerRan() {
        // Timestamps of two-byte varints, so that every envelope has the same length.
        long perEntry = v2Log("a", 1000, 200).originalBytes().length + SourceLog.ENTRY_OVERHEAD;
        long budget = 2 * SourceLog.SOURCE_OVERHEAD + 101 * perEntry;
        LogCacheStore store = new LogCacheStore(100_000, budget, 100);
        for (int i = 0; i < 100; i++) {
            store.add(v2Log("a", 1000 + i, 200), 0);
        }
        store.add(v2Log("b", 1000, 200), 0);
        assertEquals(budget, store.bytesHeld(), "at the budget");
        store.add(v2Log("c", 1200, 200), 0);
        assertEquals(1, store.refusedSources());
        assertEquals(2, store.sourceCount());
        for (int i = 100; i < 105; i++) {
            store.add(v2Log("a", 1000 + i, 200), 0);
        }
        // Twice the size: b's one entry goes, and the new one goes in anyway (past the budget by the difference:
        // one envelope at most, taken back at b's next write).
        long larger = v2Log("b", 1001, 400).originalBytes().length - v2Log("b", 1000, 200).originalBytes().length;
        store.add(v2Log("b", 1001, 400), 0);
        assertEquals(1, store.meta().get("b").getCount());
        assertEquals(budget + larger, store.bytesHeld());
        store.add(v2Log("b", 1002, 200), 0);
        Map<String, MetaInfo> meta = store.meta();
        assertEquals(100, meta.get("a").getCount());
        assertEquals(1005, meta.get("a").getOldestTimestamp(), "a replaced its own oldest");
        assertEquals(1002, meta.get("b").getOldestTimestamp());
        assertEquals(7, store.expiredByBudget());
        assertEquals(budget, store.bytesHeld());
        store.prune();
        store.add(v2Log("c", 1200, 200), 0);
        assertEquals(1, store.meta().get("c").getCount(), "stored once the pruner made room");
    }

    @Test
    void aSourceOfOneEnvelopeTakesNoMoreHeapThanTheStoreCountsForIt() {
        int sources = 20_000;
        List<RoutedEnvelope> envelopes = new ArrayList<>(sources);
        for (int i = 0; i < sources; i++) {
            envelopes.add(v2Log("app-" + i, i, 200));
        }
        LogCacheStore store = new LogCacheStore(100_000, Long.MAX_VALUE, 2 * sources);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (RoutedEnvelope envelope : envelopes) {
            store.add(envelope, 0);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // Every byte the adds allocated (the map's outgrown tables too) is at most what the budget counts: the
        // source's overhead, the entry's and its bytes (besides the id, which the envelope brought). A first
        // block of 4 entries and a slab for 4 envelopes took 1,230 bytes a source, twice what was counted.
        assertTrue(allocated <= store.bytesHeld(), allocated / sources + " bytes allocated a source, "
                + store.bytesHeld() / sources + " counted");
    }

    @Test
    void v1AppEnvelopesAreStoredUnderTheirAppIdAndPlatformOnesUnderTov2sSourceId() {
        LogCacheStore store = new LogCacheStore(100, Long.MAX_VALUE, 100);
        byte[] app = EventFactory.Envelope.newBuilder().setOrigin("rep").setEventType(EventFactory.Envelope.EventType.LogMessage)
                .setTimestamp(5).setLogMessage(LogMessage.newBuilder().setMessage(ByteString.copyFromUtf8("x"))
                        .setMessageType(LogMessage.MessageType.OUT).setTimestamp(5).setAppId("app-1")).build().toByteArray();
        store.add(RoutedEnvelope.fromV1("app-1", EventFactory.Envelope.EventType.LogMessage, app), 0);
        byte[] platform = EventFactory.Envelope.newBuilder().setOrigin("router").setEventType(EventFactory.Envelope.EventType.ValueMetric)
                .setDeployment("cf").setJob("router").setTimestamp(6)
                .setValueMetric(org.cloudfoundry.dropsonde.events.MetricFactory.ValueMetric.newBuilder()
                        .setName("m").setValue(1).setUnit("u")).build().toByteArray();
        store.add(RoutedEnvelope.fromV1(EnvelopeRouting.SYSTEM, EventFactory.Envelope.EventType.ValueMetric, platform), 0);
        assertEquals(1, store.meta().get("app-1").getCount());
        assertEquals(5, store.meta().get("app-1").getNewestTimestamp());
        assertEquals(1, store.meta().get("cf/router").getCount());
    }

    @Test
    void sourcesBeyondTheLimitAreForgottenLeastRecentFirstAndTheHardLimitRefuses() {
        LogCacheStore store = new LogCacheStore(100, Long.MAX_VALUE, 10);
        for (int i = 0; i < 25; i++) {
            store.add(v2Log("s" + i, i, 10), i);
        }
        assertEquals(20, store.sourceCount(), "twice max_sources at most");
        assertEquals(5, store.refusedSources());
        store.prune();
        assertEquals(10, store.sourceCount());
        assertEquals(10, store.forgottenSources());
        assertTrue(store.meta().containsKey("s19") && !store.meta().containsKey("s0"));
        long expected = 10L * SourceLog.SOURCE_OVERHEAD;
        for (int i = 10; i < 20; i++) {
            expected += v2Log("s" + i, i, 10).originalBytes().length + SourceLog.ENTRY_OVERHEAD;
        }
        assertEquals(expected, store.bytesHeld());
    }
}
