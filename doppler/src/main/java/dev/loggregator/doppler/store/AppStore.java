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
 * forgotten, so a burst of a million distinct app ids costs at most {@code maxApps} records.
 * Apps without traffic for the inactivity timeout are forgotten by {@link #evictIdle()}.
 *
 * <p>Written by the router thread and read by egress threads; one lock, held for a few
 * map operations, is cheaper here than anything cleverer.
 */
public final class AppStore {
    private static final class AppRecord {
        LogRing logs;
        ContainerMetrics metrics;
        long lastWriteNanos;
    }

    private final int maxLogsPerApp;
    private final int maxApps;
    private final long metricTtlNanos;
    private final long inactivityNanos;
    private final LongSupplier clock;
    private final LinkedHashMap<String, AppRecord> apps = new LinkedHashMap<>(1024, 0.75f, true);
    private long retainedBytes;
    private long evictedApps;

    public AppStore(int maxLogsPerApp, int maxApps, long metricTtlSeconds, long inactivitySeconds, LongSupplier clock) {
        this.maxLogsPerApp = maxLogsPerApp;
        this.maxApps = maxApps;
        this.metricTtlNanos = TimeUnit.SECONDS.toNanos(metricTtlSeconds);
        this.inactivityNanos = TimeUnit.SECONDS.toNanos(inactivitySeconds);
        this.clock = clock;
    }

    public AppStore(int maxLogsPerApp, int maxApps, long metricTtlSeconds, long inactivitySeconds) {
        this(maxLogsPerApp, maxApps, metricTtlSeconds, inactivitySeconds, System::nanoTime);
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
                retainedBytes += app.logs.add(envelope.v1Bytes());
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
                retainedBytes += app.metrics.put(metric.getInstanceIndex(), timestamp, now, envelope.v1Bytes(), metricTtlNanos);
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

    private void forget(AppRecord app) {
        if (app.logs != null) {
            retainedBytes -= app.logs.bytes();
        }
        if (app.metrics != null) {
            retainedBytes -= app.metrics.bytes();
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

    public synchronized long evictedApps() {
        return evictedApps;
    }

    /** How often {@link #evictIdle()} should run to honour the inactivity timeout closely. */
    public long evictionIntervalMillis() {
        return Math.max(100, Math.min(TimeUnit.NANOSECONDS.toMillis(inactivityNanos) / 4, 30_000));
    }
}
