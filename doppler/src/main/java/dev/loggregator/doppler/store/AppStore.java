package dev.loggregator.doppler.store;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.loggregator.doppler.routing.RoutedEnvelope;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.cloudfoundry.dropsonde.events.MetricFactory.ContainerMetric;

/**
 * What a Doppler remembers per app: the recent LogMessages and the newest ContainerMetric per
 * instance. Bounded by the number of apps: beyond {@code maxApps} the least recently used app is
 * forgotten, so a burst of a million distinct app ids costs at most {@code maxApps} records; and by
 * heap: past {@code maxHeldBytes} (envelope bytes plus what each entry and app costs besides) the
 * least recently used apps are forgotten too, so apps of large logs cannot fill the heap before
 * {@code maxApps} is reached (100,000 apps of 100 2-KiB logs would be 20 GB).
 * Apps without traffic for the inactivity timeout are forgotten by {@link #evictIdle()}.
 *
 * <p>Written by the router thread and read by egress threads; one lock, held for a few
 * map operations, is cheaper here than anything cleverer.
 */
public final class AppStore {
    /** Heap an app costs besides its envelopes: map entry, record, ring and its first slots, the id (README: an app of one 240-byte log took ~450). */
    static final int APP_OVERHEAD = 200;
    /** Heap a retained log costs besides its bytes: the array's header and its slot in the ring. */
    static final int LOG_OVERHEAD = 24;
    /** Heap an instance's container metric costs besides its bytes: map node, boxed index, entry, array header. */
    static final int METRIC_OVERHEAD = 96;

    private static final class AppRecord {
        LogRing logs;
        ContainerMetrics metrics;
        long lastWriteNanos;
    }

    private final int maxLogsPerApp;
    private final int maxApps;
    private final long maxHeldBytes;
    private final long metricTtlNanos;
    private final long inactivityNanos;
    private final LongSupplier clock;
    private final LinkedHashMap<String, AppRecord> apps = new LinkedHashMap<>(1024, 0.75f, true);
    private long retainedBytes;
    /** Envelopes held, for the overhead counted in {@link #heldBytes()}. */
    private long logs;
    private long metrics;
    private long evictedApps;
    private long evictedForMemory;

    public AppStore(int maxLogsPerApp, int maxApps, long maxHeldBytes, long metricTtlSeconds, long inactivitySeconds, LongSupplier clock) {
        this.maxLogsPerApp = maxLogsPerApp;
        this.maxApps = maxApps;
        this.maxHeldBytes = maxHeldBytes;
        this.metricTtlNanos = TimeUnit.SECONDS.toNanos(metricTtlSeconds);
        this.inactivityNanos = TimeUnit.SECONDS.toNanos(inactivitySeconds);
        this.clock = clock;
    }

    public AppStore(int maxLogsPerApp, int maxApps, long maxHeldBytes, long metricTtlSeconds, long inactivitySeconds) {
        this(maxLogsPerApp, maxApps, maxHeldBytes, metricTtlSeconds, inactivitySeconds, System::nanoTime);
    }

    /** Records a LogMessage or ContainerMetric envelope; other event types are not retained. */
    public void add(RoutedEnvelope envelope) {
        EventType type = envelope.eventType();
        if (type == EventType.LogMessage) {
            long now = clock.getAsLong();
            synchronized (this) {
                AppRecord app = recordFor(envelope.appId(), now);
                if (app.logs == null) {
                    app.logs = new LogRing(maxLogsPerApp);
                }
                int before = app.logs.size();
                retainedBytes += app.logs.add(envelope.v1Bytes());
                logs += app.logs.size() - before;
                keepWithinBudget();
            }
        } else if (type == EventType.ContainerMetric) {
            ContainerMetric metric;
            long timestamp;
            try {
                Envelope parsed = Envelope.parseFrom(envelope.v1Bytes());
                metric = parsed.getContainerMetric();
                timestamp = parsed.getTimestamp();
            } catch (InvalidProtocolBufferException e) {
                return; // validated at ingress; cannot happen for bytes that got this far
            }
            long now = clock.getAsLong();
            synchronized (this) {
                AppRecord app = recordFor(envelope.appId(), now);
                if (app.metrics == null) {
                    app.metrics = new ContainerMetrics();
                }
                int before = app.metrics.size();
                retainedBytes += app.metrics.put(metric.getInstanceIndex(), timestamp, now, envelope.v1Bytes(), metricTtlNanos);
                metrics += app.metrics.size() - before;
                keepWithinBudget();
            }
        }
    }

    private AppRecord recordFor(String appId, long now) {
        AppRecord app = apps.get(appId);
        if (app == null) {
            app = new AppRecord();
            apps.put(appId, app);
            if (apps.size() > maxApps) {
                Iterator<Map.Entry<String, AppRecord>> eldest = apps.entrySet().iterator();
                forget(eldest.next().getValue());
                eldest.remove();
            }
        }
        app.lastWriteNanos = now;
        return app;
    }

    /**
     * Past the heap budget, forgets the least recently used apps until the store fits again. The app
     * just written is the most recently used, so it goes last: alone it is bounded by {@code
     * maxLogsPerApp} envelopes of at most {@code max_envelope_bytes}.
     */
    private void keepWithinBudget() {
        if (held() <= maxHeldBytes) {
            return;
        }
        Iterator<AppRecord> eldest = apps.values().iterator();
        while (held() > maxHeldBytes && apps.size() > 1) {
            forget(eldest.next());
            eldest.remove();
            evictedForMemory++;
        }
    }

    private void forget(AppRecord app) {
        if (app.logs != null) {
            retainedBytes -= app.logs.bytes();
            logs -= app.logs.size();
        }
        if (app.metrics != null) {
            retainedBytes -= app.metrics.bytes();
            metrics -= app.metrics.size();
        }
        evictedApps++;
    }

    /** The app's retained log envelopes, oldest first. */
    public synchronized List<byte[]> recentLogs(String appId) {
        AppRecord app = apps.get(appId);
        return app == null || app.logs == null ? List.of() : app.logs.oldestFirst();
    }

    /** The newest ContainerMetric envelope of each instance, not older than the TTL. */
    public List<byte[]> containerMetrics(String appId) {
        long now = clock.getAsLong();
        synchronized (this) {
            AppRecord app = apps.get(appId);
            return app == null || app.metrics == null ? List.of() : app.metrics.fresh(now, metricTtlNanos);
        }
    }

    /** Forgets apps that have had no traffic for the inactivity timeout; returns how many. */
    public int evictIdle() {
        long now = clock.getAsLong();
        int evicted = 0;
        synchronized (this) {
            Iterator<AppRecord> it = apps.values().iterator();
            while (it.hasNext()) {
                AppRecord app = it.next();
                if (now - app.lastWriteNanos >= inactivityNanos) {
                    forget(app);
                    it.remove();
                    evicted++;
                }
            }
        }
        return evicted;
    }

    public synchronized int appCount() {
        return apps.size();
    }

    public synchronized long retainedBytes() {
        return retainedBytes;
    }

    /** What the store holds on the heap as its budget counts it: envelope bytes plus the overhead of each entry and app. */
    public synchronized long heldBytes() {
        return held();
    }

    private long held() {
        return retainedBytes + logs * LOG_OVERHEAD + metrics * METRIC_OVERHEAD + (long) apps.size() * APP_OVERHEAD;
    }

    /** Apps forgotten for any reason: beyond {@code maxApps}, past the heap budget, or idle. */
    public synchronized long evictedApps() {
        return evictedApps;
    }

    /** Apps forgotten to keep the store within its heap budget. */
    public synchronized long evictedForMemory() {
        return evictedForMemory;
    }

    /** How often {@link #evictIdle()} should run to honour the inactivity timeout closely. */
    public long evictionIntervalMillis() {
        return Math.max(100, Math.min(TimeUnit.NANOSECONDS.toMillis(inactivityNanos) / 4, 30_000));
    }
}
