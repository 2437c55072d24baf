package dev.loggregator.trafficcontroller.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.trafficcontroller.metrics.AppDropReason;
import dev.loggregator.trafficcontroller.support.Envelopes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * A client's queue: in envelopes for one app's stream, in bytes (its part of the Traffic Controller's budget)
 * for a stream of many apps; every envelope it drops is counted for its app, quiet apps keep theirs.
 */
class BatchQueueTest {
    /** What each record of {@link #batch} holds: every app id there has nine characters. */
    private static final long RECORD = StreamBudget.heldBytes(Envelopes.log("app-00000", "x".repeat(200)));

    private final Map<String, Long> dropped = new ConcurrentHashMap<>();

    private AppShares shares(double fairShareFactor) {
        return AppShares.v1(new FairShareRule(fairShareFactor, 100_000), (app, reason, count) -> dropped.merge(app + "/" + reason.label(), count, Long::sum));
    }

    private static List<byte[]> batch(int app, int n) {
        return batch(String.format("app-%05d", app), n);
    }

    private static List<byte[]> batch(String app, int n) {
        List<byte[]> batch = new ArrayList<>(n);
        byte[] envelope = Envelopes.log(app, "x".repeat(200));
        for (int i = 0; i < n; i++) {
            batch.add(envelope);
        }
        return batch;
    }

    @Test
    void aQueueOfOneAppIsBoundedInEnvelopes() {
        BatchQueue queue = new BatchQueue(100, shares(0));
        assertEquals(0, queue.offer(batch("app", 60)));
        assertEquals(20, queue.offer(batch("app", 60)));
        assertEquals(100, queue.size());
        assertEquals(20L, dropped.get("app/" + AppDropReason.BUFFER_FULL.label()));
        assertEquals(Map.of("app", 20L), queue.takeUntold("system"));
    }

    @Test
    void aQueueOfManyAppsIsBoundedInBytesNotEnvelopes() {
        StreamBudget budget = new StreamBudget(1000 * RECORD);
        BatchQueue queue = new BatchQueue(budget, shares(0));
        // 10,000 envelopes in their count would be 10 times the bound: 1,000 of these fit
        int lost = 0;
        for (int i = 0; i < 100; i++) {
            lost += queue.offer(batch(i, 100));
        }
        assertEquals(1000, queue.size());
        assertEquals(9000, lost);
        assertEquals(1000 * RECORD, budget.heldBytes());
        for (int i = 0; i < 400; i++) {
            assertNotNull(queue.poll());
        }
        assertEquals(600 * RECORD, budget.heldBytes(), "what the client takes goes back to the budget");
        assertEquals(0, queue.offer(batch(0, 400)));
    }

    @Test
    void theQueuesOfABudgetShareItAndNeverHoldMoreTogether() {
        StreamBudget budget = new StreamBudget(1000 * RECORD);
        BatchQueue stalled = new BatchQueue(budget, shares(0));
        assertEquals(0, stalled.offer(batch(0, 400)));
        BatchQueue second = new BatchQueue(budget, shares(0));
        BatchQueue third = new BatchQueue(budget, shares(0));
        // a third each now: the first holds more than its part and takes nothing more until it is read
        assertEquals(100, stalled.offer(batch(0, 100)));
        assertEquals(100, second.offer(batch(0, 433)));
        assertEquals(333, second.size());
        // the third's part is a third too, but the budget has only 267 records' room left: it never holds more
        assertEquals(399, third.offer(batch(0, 666)));
        assertEquals(1000 * RECORD, budget.heldBytes());
        assertEquals(3, budget.queues());
        stalled.close();
        assertEquals(2, budget.queues());
        assertEquals(600 * RECORD, budget.heldBytes(), "a closed queue gives back what it held");
        second.close();
        third.close();
        assertEquals(0, budget.heldBytes());
        assertEquals(0, budget.queues());
    }

    @Test
    void aClosedQueueTakesNothingAndHoldsNothing() {
        StreamBudget budget = new StreamBudget(1000 * RECORD);
        BatchQueue queue = new BatchQueue(budget, shares(2));
        queue.close();
        queue.close();
        assertEquals(0, queue.offer(batch("app", 10)));
        assertNull(queue.poll());
        assertEquals(0, budget.heldBytes());
        assertEquals(0, budget.queues());
    }

    @Test
    void aRecordLargerThanTheQueuesPartStillGoesIntoItsEmptyQueue() {
        StreamBudget budget = new StreamBudget(4 * RECORD);
        BatchQueue queue = new BatchQueue(budget, shares(2));
        byte[] large = Envelopes.log("app", "x".repeat(4000));
        assertEquals(1, queue.offer(List.of(large, large)));
        assertEquals(1, queue.size());
        assertNotNull(queue.poll());
        assertEquals(0, budget.heldBytes());
    }

    @Test
    void underPressureTheNoisyAppLosesAndTheQuietAppsKeepEverything() {
        StreamBudget budget = new StreamBudget(2000 * RECORD);
        BatchQueue queue = new BatchQueue(budget, shares(2));
        // a reader that takes 1,000 of the 1,100 envelopes offered each round: 99 quiet apps at 10 a round, one at 110
        long quietLost = 0;
        long noisyLost = 0;
        for (int round = 0; round < 50; round++) {
            List<byte[]> offered = new ArrayList<>();
            for (int i = 0; i < 99; i++) {
                offered.addAll(batch("quiet-" + i, 10));
            }
            offered.addAll(batch("noisy", 110));
            for (int from = 0; from < offered.size(); from += 100) {
                queue.offer(offered.subList(from, Math.min(offered.size(), from + 100)));
            }
            for (int i = 0; i < 1000 && queue.poll() != null; i++) {
                // the reader takes its pace
            }
        }
        for (Map.Entry<String, Long> drop : dropped.entrySet()) {
            if (drop.getKey().startsWith("quiet-")) {
                quietLost += drop.getValue();
            } else {
                noisyLost += drop.getValue();
            }
        }
        assertEquals(0, quietLost, "quiet apps lose nothing: " + dropped);
        assertTrue(noisyLost > 0, "the noisy app is shed: " + dropped);
        assertTrue(budget.heldBytes() <= 2000 * RECORD);
    }
}
