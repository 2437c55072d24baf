package dev.loggregator.doppler.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.doppler.routing.RoutedEnvelope;
import dev.loggregator.doppler.support.Envelopes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.junit.jupiter.api.Test;

class AppStoreTest {
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    private AppStore store(int maxLogs, int maxApps) {
        return new AppStore(maxLogs, maxApps, Long.MAX_VALUE, 120, 3600, clock::get);
    }

    private static RoutedEnvelope log(String app, String text) {
        return RoutedEnvelope.fromV1(app, EventType.LogMessage, Envelopes.v1Log(app, text).toByteArray());
    }

    private static RoutedEnvelope metric(String app, int instance, double cpu, long timestamp) {
        return RoutedEnvelope.fromV1(app, EventType.ContainerMetric,
                Envelopes.v1ContainerMetric(app, instance, cpu, timestamp).toByteArray());
    }

    private static List<String> texts(List<byte[]> envelopes) {
        return envelopes.stream().map(b -> {
            try {
                return Envelope.parseFrom(b).getLogMessage().getMessage().toString(StandardCharsets.UTF_8);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    @Test
    void keepsTheLastLinesOldestFirst() {
        AppStore store = store(5, 10);
        for (int i = 0; i < 12; i++) {
            store.add(log("app", "line-" + i));
        }
        assertEquals(List.of("line-7", "line-8", "line-9", "line-10", "line-11"), texts(store.recentLogs("app")));
        assertEquals(List.of(), store.recentLogs("other"));
    }

    @Test
    void fewerLinesThanTheLimitComeBackInOrder() {
        AppStore store = store(100, 10);
        for (int i = 0; i < 7; i++) {
            store.add(log("app", "line-" + i));
        }
        assertEquals(List.of("line-0", "line-1", "line-2", "line-3", "line-4", "line-5", "line-6"), texts(store.recentLogs("app")));
    }

    @Test
    void otherEventTypesAreNotRetained() {
        AppStore store = store(5, 10);
        store.add(RoutedEnvelope.fromV1("system", EventType.ValueMetric, Envelopes.v1ValueMetric("m", 1).toByteArray()));
        assertEquals(0, store.appCount());
    }

    @Test
    void evictsTheLeastRecentlyUsedAppBeyondTheMaximum() {
        AppStore store = store(5, 3);
        store.add(log("a", "1"));
        store.add(log("b", "1"));
        store.add(log("c", "1"));
        store.add(log("a", "2")); // a is now the most recently used
        store.add(log("d", "1"));
        assertEquals(3, store.appCount());
        assertEquals(List.of(), store.recentLogs("b"));
        assertEquals(List.of("1", "2"), texts(store.recentLogs("a")));
        assertEquals(1, store.evictedApps());
    }

    @Test
    void aMillionDistinctAppsCostAtMostMaxApps() {
        AppStore store = store(100, 10_000);
        byte[] line = Envelopes.v1Log("x", "a line of about the usual size for an application log message").toByteArray();
        for (int i = 0; i < 1_000_000; i++) {
            store.add(RoutedEnvelope.fromV1("app-" + i, EventType.LogMessage, line));
        }
        assertEquals(10_000, store.appCount());
        assertEquals(10_000L * line.length, store.retainedBytes());
        assertEquals(1, store.recentLogs("app-999999").size());
        assertEquals(0, store.recentLogs("app-0").size());
    }

    @Test
    void forgetsAppsWithoutTrafficForTheInactivityTimeout() {
        AppStore store = new AppStore(5, 10, Long.MAX_VALUE, 120, 60, clock::get);
        store.add(log("quiet", "1"));
        clock.addAndGet(TimeUnit.SECONDS.toNanos(30));
        store.add(log("busy", "1"));
        assertEquals(0, store.evictIdle());
        clock.addAndGet(TimeUnit.SECONDS.toNanos(31));
        assertEquals(1, store.evictIdle());
        assertEquals(List.of(), store.recentLogs("quiet"));
        assertEquals(1, store.recentLogs("busy").size());
        assertEquals(store.recentLogs("busy").get(0).length, store.retainedBytes());
        assertEquals(store.retainedBytes() + AppStore.LOG_OVERHEAD + AppStore.APP_OVERHEAD, store.heldBytes());
    }

    @Test
    void pastItsHeapBudgetTheStoreForgetsTheLeastRecentlyUsedApps() {
        byte[] line = Envelopes.v1Log("x", "x".repeat(2000)).toByteArray();
        long perApp = AppStore.APP_OVERHEAD + 10L * (line.length + AppStore.LOG_OVERHEAD);
        long budget = 5 * perApp;
        AppStore store = new AppStore(10, 100_000, budget, 120, 3600, clock::get);
        for (int app = 0; app < 20; app++) {
            for (int i = 0; i < 10; i++) {
                store.add(RoutedEnvelope.fromV1("app-" + app, EventType.LogMessage, line));
                assertTrue(store.heldBytes() <= budget, () -> store.heldBytes() + " held, budget " + budget);
            }
            if (app == 2) {
                store.recentLogs("app-0"); // read: app-0 is now more recently used than app-1 and app-2
            }
            if (app == 5) {
                assertEquals(List.of(), store.recentLogs("app-1"), "the least recently used went first");
                assertEquals(10, store.recentLogs("app-0").size(), "app-0 was read after app-1 and app-2 were written");
            }
        }
        assertEquals(5, store.appCount());
        assertEquals(10, store.recentLogs("app-19").size(), "the app written last keeps all its logs");
        assertEquals(List.of(), store.recentLogs("app-1"));
        assertEquals(15, store.evictedForMemory());
        assertEquals(15, store.evictedApps());
        assertEquals(5 * perApp, store.heldBytes());
    }

    @Test
    void oneAppAboveTheBudgetKeepsItsLogsBoundedByTheirCount() {
        byte[] line = Envelopes.v1Log("x", "x".repeat(5000)).toByteArray();
        AppStore store = new AppStore(4, 100, 1000, 120, 3600, clock::get);
        for (int i = 0; i < 10; i++) {
            store.add(RoutedEnvelope.fromV1("big", EventType.LogMessage, line));
        }
        assertEquals(4, store.recentLogs("big").size());
        assertEquals(4L * line.length, store.retainedBytes());
        store.add(log("small", "1"));
        assertEquals(List.of(), store.recentLogs("big"), "the big app is the least recently used once another writes");
        assertEquals(1, store.evictedForMemory());
    }

    @Test
    void containerMetricsCountInTheBudgetAndLeaveItWithTheirApp() {
        AppStore store = new AppStore(5, 10, Long.MAX_VALUE, 120, 3600, clock::get);
        store.add(metric("app", 0, 1.0, 1000));
        store.add(metric("app", 1, 1.0, 1000));
        store.add(metric("app", 0, 2.0, 2000)); // replaces instance 0's
        long bytes = store.containerMetrics("app").stream().mapToLong(b -> b.length).sum();
        assertEquals(bytes + 2L * AppStore.METRIC_OVERHEAD + AppStore.APP_OVERHEAD, store.heldBytes());
        clock.addAndGet(TimeUnit.SECONDS.toNanos(3600));
        assertEquals(1, store.evictIdle());
        assertEquals(0, store.heldBytes());
    }

    @Test
    void keepsTheNewestContainerMetricPerInstanceUntilItsTtl() throws Exception {
        AppStore store = store(5, 10);
        store.add(metric("app", 0, 1.0, 1000));
        store.add(metric("app", 0, 2.0, 2000));
        store.add(metric("app", 1, 3.0, 1500));
        store.add(metric("app", 0, 9.0, 500)); // older than what is held: ignored
        List<Double> cpu = store.containerMetrics("app").stream().map(b -> {
            try {
                return Envelope.parseFrom(b).getContainerMetric().getCpuPercentage();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).sorted().toList();
        assertEquals(List.of(2.0, 3.0), cpu);

        clock.addAndGet(TimeUnit.SECONDS.toNanos(119));
        assertEquals(2, store.containerMetrics("app").size());
        clock.addAndGet(TimeUnit.SECONDS.toNanos(2));
        assertTrue(store.containerMetrics("app").isEmpty());
        // An expired entry is replaced even by an envelope with an older timestamp.
        store.add(metric("app", 0, 4.0, 100));
        assertEquals(1, store.containerMetrics("app").size());
    }
}
