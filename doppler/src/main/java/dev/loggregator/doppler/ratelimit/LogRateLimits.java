package dev.loggregator.doppler.ratelimit;

import dev.loggregator.doppler.metrics.DopplerMetrics;
import dev.loggregator.doppler.metrics.DropReason;
import dev.loggregator.doppler.routing.RoutedEnvelope;
import dev.loggregator.fairness.AppCounts;
import dev.loggregator.manifest.DopplerSection;
import dev.loggregator.wire.routing.EnvelopeRouting;
import io.github.bucket4j.local.ThreadUnsafeBucket;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Per-app log-rate limits ({@code doppler.log_rate_limit}), enforced once per envelope on the router
 * thread with the semantics of Cloud Foundry's executor ({@code depot/log_streamer/log_rate_limiter.go}):
 * each instance of a limited app has a token bucket of log bytes (rate = burst = the limit); a log its
 * bucket cannot pay for is dropped, the instance finds {@link LogRateLimitNotice} in its stream, and every
 * log of that instance is dropped for the next second without another notice (the bucket is not charged
 * meanwhile); then the bucket decides again. A limit of 0 drops every log without a notice. Only an app's
 * own output is charged ({@link RoutedEnvelope#appLogBytes()}); metrics and other lines pass.
 *
 * <p>Instances are held in access order: one idle for a second has a full bucket again, so forgetting it
 * changes nothing and the table only holds instances seen in the last second or so; beyond
 * {@code maxInstances} the least recently seen is forgotten anyway and counted (it restarts with a full
 * bucket). Nothing is allocated per envelope except for an instance seen for the first time.
 */
public final class LogRateLimits {
    static final long PENALTY_NANOS = 1_000_000_000L;
    /** An instance idle this long has a full bucket: forgetting it is exact. */
    private static final long FORGET_AFTER_NANOS = 1_000_000_000L;
    private static final long SWEEP_EVERY_NANOS = 250_000_000L;

    private final AppLimit defaultLimit;
    private final Map<String, AppLimit> byApp = new HashMap<>();
    private final int maxInstances;
    private final DopplerMetrics metrics;
    private final RouterClock clock = new RouterClock();
    private final InstanceKey probe = new InstanceKey();
    private final LinkedHashMap<InstanceKey, Instance> instances;
    private final LongAdder exceeded = new LongAdder();
    private final LongAdder evicted = new LongAdder();
    /** Logs dropped per app (one reason), so operators see which app tripped it (what diego-release#457 asks of AppInstanceExceededLogRateLimitCount). */
    private final AppCounts droppedByApp;
    private volatile int tracked;
    private boolean clockStarted;
    private long nextSweep;

    /** One instance's bucket and penalty box, and what it sent since its last log_rate gauge. */
    private static final class Instance {
        final ThreadUnsafeBucket bucket;
        final AppLimit limit;
        long lastSeen;
        long penaltyEnds;
        long passedBytes;
        RoutedEnvelope lastLog; // the gauge is made from it: the instance's source id, instance id and tags

        Instance(AppLimit limit, RouterClock clock, long nowNanos) {
            this.limit = limit;
            this.bucket = limit.newBucket(clock);
            this.penaltyEnds = nowNanos; // nanoTime may be negative: "no penalty" is a time already past
        }
    }

    public LogRateLimits(DopplerSection.LogRateLimit config, DopplerMetrics metrics) {
        this.defaultLimit = new AppLimit(config.defaultBytesPerSecond());
        config.apps().forEach((app, limit) -> byApp.put(app, new AppLimit(limit)));
        this.maxInstances = config.maxInstances();
        this.droppedByApp = new AppCounts(config.maxCountedApps(), 1);
        this.metrics = metrics;
        this.instances = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InstanceKey, Instance> eldest) {
                if (size() <= maxInstances) {
                    return false;
                }
                evicted.increment();
                return true;
            }
        };
    }

    /**
     * Whether {@code envelope} may go on; false when its app instance is over its limit (counted). At the
     * first overage the notice is handed to {@code notices} first. {@code nowNanos} is the router's
     * {@link System#nanoTime()}. Router thread only.
     */
    public boolean admit(RoutedEnvelope envelope, long nowNanos, Consumer<RoutedEnvelope> notices) {
        int bytes = envelope.appLogBytes();
        if (bytes < 0) {
            return true;
        }
        String app = envelope.appId();
        if (app == null || EnvelopeRouting.SYSTEM.equals(app)) {
            return true; // not an app's: nothing to charge it to
        }
        AppLimit limit = byApp.getOrDefault(app, defaultLimit);
        if (limit.unlimited()) {
            return true;
        }
        if (limit.bytesPerSecond() == 0) {
            return drop(app);
        }
        clock.set(nowNanos);
        if (!clockStarted) {
            clockStarted = true;
            nextSweep = nowNanos + SWEEP_EVERY_NANOS;
        } else if (nowNanos - nextSweep >= 0) {
            forgetIdle(nowNanos);
        }
        Instance instance = instances.get(probe.set(app, envelope.instanceKey()));
        if (instance == null) {
            instance = new Instance(limit, clock, nowNanos);
            instances.put(probe.copy(), instance);
            tracked = instances.size();
        }
        instance.lastSeen = nowNanos;
        instance.lastLog = envelope;
        if (nowNanos - instance.penaltyEnds < 0) {
            return drop(app);
        }
        // an empty line costs nothing (Bucket4j takes no zero-token request; x/time/rate allows it)
        if (bytes == 0 || instance.bucket.tryConsume(bytes)) {
            instance.passedBytes += bytes;
            return true;
        }
        instance.penaltyEnds = nowNanos + PENALTY_NANOS;
        exceeded.increment();
        notices.accept(LogRateLimitNotice.of(envelope, limit.bytesPerSecond(), System.currentTimeMillis() * 1_000_000L));
        return drop(app);
    }

    private boolean drop(String app) {
        droppedByApp.add(app, 0, 1);
        metrics.dropped().increment(DropReason.LOG_RATE_LIMIT);
        return false;
    }

    /** Forgets instances idle for a second (oldest first: the map is in access order, so it stops at the first recent one). */
    private void forgetIdle(long nowNanos) {
        nextSweep = nowNanos + SWEEP_EVERY_NANOS;
        Iterator<Instance> oldestFirst = instances.values().iterator();
        while (oldestFirst.hasNext()) {
            Instance instance = oldestFirst.next();
            if (nowNanos - instance.lastSeen < FORGET_AFTER_NANOS) {
                break;
            }
            oldestFirst.remove();
        }
        tracked = instances.size();
    }

    /**
     * Hands {@code gauges} each held instance's {@link LogRateGauge}: the bytes per second of its output that
     * passed in the last {@code intervalNanos}, and its limit, as a Cloud Foundry cell reports them. An instance
     * idle for a second is no longer held, so it is not reported (a cell would report 0). Router thread only.
     */
    public void reportRates(long intervalNanos, Consumer<RoutedEnvelope> gauges) {
        long wallClock = System.currentTimeMillis() * 1_000_000L;
        for (Instance instance : instances.values()) {
            gauges.accept(LogRateGauge.of(instance.lastLog, instance.passedBytes * 1e9 / intervalNanos,
                    instance.limit.bytesPerSecond(), wallClock));
            instance.passedBytes = 0;
        }
    }

    /** Instances whose bucket is held now. */
    public int trackedInstances() {
        return tracked;
    }

    /** Times an instance went over its limit (each told in its stream). */
    public long exceeded() {
        return exceeded.sum();
    }

    /** Instances forgotten before they were idle for a second, because more than {@code max_instances} were active. */
    public long evicted() {
        return evicted.sum();
    }

    /**
     * Logs dropped per app, for at most {@code max_counted_apps} apps; those of any further apps together
     * under {@value AppCounts#OTHER_APPS}.
     */
    public Map<String, Long> droppedByApp() {
        Map<String, Long> snapshot = new LinkedHashMap<>();
        droppedByApp.forEach((app, reason, dropped) -> snapshot.put(app, dropped));
        return snapshot;
    }
}
