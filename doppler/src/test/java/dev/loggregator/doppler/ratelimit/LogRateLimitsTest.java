package dev.loggregator.doppler.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.loggregator.doppler.metrics.DopplerMetrics;
import dev.loggregator.doppler.metrics.DropReason;
import dev.loggregator.doppler.routing.RoutedEnvelope;
import dev.loggregator.fairness.AppCounts;
import dev.loggregator.manifest.DopplerSection;
import dev.loggregator.wire.routing.EnvelopeRouting;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.junit.jupiter.api.Test;

/** The bucket and penalty box of {@link LogRateLimits}, with time moved by hand. */
class LogRateLimitsTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = -5 * SECOND; // nanoTime may be negative

    private final DopplerMetrics metrics = new DopplerMetrics();
    private final List<RoutedEnvelope> notices = new ArrayList<>();

    private LogRateLimits limits(long defaultLimit, Map<String, Long> apps, int maxInstances) {
        return new LogRateLimits(new DopplerSection.LogRateLimit(defaultLimit, apps, maxInstances, 2), metrics);
    }

    private static RoutedEnvelope log(String app, String instance, String sourceType, int bytes) {
        byte[] v1 = Envelope.newBuilder()
                .setOrigin("test")
                .setEventType(Envelope.EventType.LogMessage)
                .setTimestamp(1)
                .setLogMessage(LogMessage.newBuilder()
                        .setMessage(ByteString.copyFromUtf8("x".repeat(bytes)))
                        .setMessageType(LogMessage.MessageType.ERR)
                        .setTimestamp(1)
                        .setAppId(app)
                        .setSourceType(sourceType)
                        .setSourceInstance(instance))
                .build()
                .toByteArray();
        return RoutedEnvelope.fromV1(EnvelopeRouting.read(v1), v1);
    }

    private static RoutedEnvelope log(String app, int bytes) {
        return log(app, "0", "APP/PROC/WEB", bytes);
    }

    private boolean admit(LogRateLimits limits, RoutedEnvelope envelope, long now) {
        return limits.admit(envelope, now, notices::add);
    }

    @Test
    void aBucketOfOneSecondsWorthThenOneNoticeAndASecondOfSilence() {
        LogRateLimits limits = limits(100, Map.of(), 10);
        for (int i = 0; i < 10; i++) {
            assertTrue(admit(limits, log("noisy", 10), T0), "a second's worth passes at once (burst = limit)");
        }
        assertFalse(admit(limits, log("noisy", 10), T0), "the 101st byte does not");
        assertEquals(1, notices.size());
        assertEquals(1, limits.exceeded());
        // 0.9 s later the bucket holds 90 bytes again, but the instance is in the penalty box: no notice either
        assertFalse(admit(limits, log("noisy", 10), T0 + 9 * SECOND / 10));
        assertFalse(admit(limits, log("noisy", 1), T0 + SECOND - 1));
        assertEquals(1, notices.size(), "one notice per overage, not per line dropped");
        assertTrue(admit(limits, log("noisy", 100), T0 + SECOND), "after the second the full bucket decides again");
        assertFalse(admit(limits, log("noisy", 1), T0 + SECOND));
        assertEquals(2, notices.size(), "a new overage after the penalty is told again");
        assertEquals(2, limits.exceeded());
        assertEquals(4, metrics.dropped().get(DropReason.LOG_RATE_LIMIT));
        assertEquals(Map.of("noisy", 4L), limits.droppedByApp());
    }

    @Test
    void theBucketRefillsContinuously() {
        LogRateLimits limits = limits(100, Map.of(), 10);
        assertTrue(admit(limits, log("app", 100), T0));
        assertTrue(admit(limits, log("app", 50), T0 + SECOND / 2), "half a second refills half the limit");
        assertTrue(admit(limits, log("app", 0), T0 + SECOND / 2), "an empty line costs nothing");
        assertFalse(admit(limits, log("app", 1), T0 + SECOND / 2));
    }

    @Test
    void aLineLargerThanTheLimitNeverPasses() {
        LogRateLimits limits = limits(100, Map.of(), 10);
        assertFalse(admit(limits, log("app", 101), T0));
        assertFalse(admit(limits, log("app", 101), T0 + 10 * SECOND));
        assertEquals(2, notices.size(), "each is an overage after the penalty ended");
    }

    @Test
    void onlyTheInstanceOverItsLimitIsSilenced() {
        LogRateLimits limits = limits(100, Map.of(), 10);
        assertFalse(admit(limits, log("noisy", "0", "APP/PROC/WEB", 101), T0));
        assertTrue(admit(limits, log("noisy", "1", "APP/PROC/WEB", 100), T0), "another instance has its own bucket");
        assertTrue(admit(limits, log("quiet", "0", "APP/PROC/WEB", 100), T0), "another app too");
        assertTrue(admit(limits, log("noisy", "0", "RTR", 1000), T0), "what the platform writes about the app is not charged");
        assertEquals(Map.of("noisy", 1L), limits.droppedByApp());
    }

    @Test
    void perAppOverridesOfTheDefault() {
        LogRateLimits limits = limits(-1, Map.of("limited", 10L, "silenced", 0L), 10);
        assertTrue(admit(limits, log("anyone", 1_000_000), T0), "-1: unlimited");
        assertTrue(admit(limits, log("limited", 10), T0));
        assertFalse(admit(limits, log("limited", 1), T0));
        assertFalse(admit(limits, log("silenced", 1), T0), "0: no logs at all");
        assertFalse(admit(limits, log("silenced", 1), T0 + 10 * SECOND));
        assertEquals(1, notices.size(), "a limit of 0 drops without a notice, as Cloud Foundry's executor");
        assertEquals(1, limits.trackedInstances(), "only the limited instance holds a bucket: unlimited and silenced ones need none");
        LogRateLimits overridden = limits(10, Map.of("free", -1L), 10);
        assertTrue(admit(overridden, log("free", 1000), T0), "an app's -1 overrides a default limit");
    }

    @Test
    void theNoticeIsTheAppsOwnLine() {
        LogRateLimits limits = limits(64, Map.of(), 10);
        assertFalse(admit(limits, log("app-guid", "3", "APP/PROC/WORKER", 65), T0));
        RoutedEnvelope notice = notices.get(0);
        assertEquals("app-guid", notice.appId());
        assertEquals(-1, notice.appLogBytes(), "a notice is never charged to the limit itself");
    }

    @Test
    void instancesAreForgottenOnceIdleAndBoundedWhileActive() {
        LogRateLimits limits = limits(100, Map.of(), 2);
        assertTrue(admit(limits, log("a", 100), T0));
        assertTrue(admit(limits, log("b", 1), T0));
        assertEquals(2, limits.trackedInstances());
        assertTrue(admit(limits, log("c", 1), T0), "a third instance evicts the least recently seen");
        assertEquals(2, limits.trackedInstances());
        assertEquals(1, limits.evicted());
        assertTrue(admit(limits, log("a", 100), T0), "evicted, 'a' starts again with a full bucket");
        assertEquals(2, limits.evicted());
        assertTrue(admit(limits, log("c", 1), T0 + 2 * SECOND));
        assertEquals(1, limits.trackedInstances(), "instances idle for a second are forgotten: their buckets were full");
        assertEquals(2, limits.evicted(), "forgetting idle instances is not eviction");
    }

    @Test
    void dropsAreCountedPerAppUpToABound() {
        LogRateLimits limits = limits(1, Map.of(), 10); // max_counted_apps 2
        for (String app : List.of("a", "b", "c", "d")) {
            assertFalse(admit(limits, log(app, 2), T0));
        }
        assertEquals(Map.of("a", 1L, "b", 1L, AppCounts.OTHER_APPS, 2L), limits.droppedByApp());
        assertEquals(4, metrics.dropped().get(DropReason.LOG_RATE_LIMIT));
    }

    @Test
    void everyHeldInstanceReportsItsLogRateAndLimitAsACellDoes() {
        LogRateLimits limits = limits(100, Map.of(), 10);
        for (int i = 0; i < 3; i++) {
            assertTrue(admit(limits, log("noisy", "2", "APP/PROC/WEB", 10), T0));
        }
        List<RoutedEnvelope> gauges = new ArrayList<>();
        limits.reportRates(2 * SECOND, gauges::add);
        assertEquals(1, gauges.size());
        org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope gauge = gauges.get(0).v2();
        assertEquals("noisy", gauge.getSourceId());
        assertEquals("2", gauge.getInstanceId());
        assertEquals(15.0, gauge.getGauge().getMetricsOrThrow("log_rate").getValue(), "30 bytes in 2 s");
        assertEquals("B/s", gauge.getGauge().getMetricsOrThrow("log_rate").getUnit());
        assertEquals(100.0, gauge.getGauge().getMetricsOrThrow("log_rate_limit").getValue());
        assertEquals("B/s", gauge.getGauge().getMetricsOrThrow("log_rate_limit").getUnit());
        assertEquals(2, gauges.get(0).v1().length, "v1 readers get a ValueMetric per gauge value");
        gauges.clear();
        limits.reportRates(SECOND, gauges::add);
        assertEquals(0.0, gauges.get(0).v2().getGauge().getMetricsOrThrow("log_rate").getValue(), "nothing sent since");
    }
}
