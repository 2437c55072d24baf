package dev.loggregator.doppler.routing;

import dev.loggregator.doppler.metrics.AppDrops;
import dev.loggregator.doppler.metrics.DopplerMetrics;
import dev.loggregator.doppler.metrics.DropReason;
import dev.loggregator.wire.notice.DropNotices;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;

/**
 * Accounts for every envelope of an app shed under overload (by {@link dev.loggregator.fairness.FairShare} at the router, by
 * {@link IngressFairShare} or a full {@link IngressBuffer} at ingress): in the reason's total, in the
 * app's own {@link AppDrops} count, and once a second in a notice put into each such app's own stream
 * saying how many of its envelopes were dropped (the CF-style "you exceeded your share" message the app's
 * developer sees in {@code cf logs}). {@link #shed} is called by any thread; the notices are made on the
 * router thread. At most {@code maxApps} apps are noticed between notices (beyond, they are still counted).
 */
public final class OverloadNotices {
    private static final long INTERVAL_NANOS = 1_000_000_000L;
    private static final String ORIGIN = "DopplerServer";

    private final DopplerMetrics metrics;
    private final AppDrops appDrops;
    private final String where;
    private final int maxApps;
    private final Map<String, Shed> shedByApp = new ConcurrentHashMap<>();
    private final Map<String, Long> totalByApp = new HashMap<>(); // router thread only
    private long lastEmitNanos; // router thread only

    public OverloadNotices(DopplerMetrics metrics, String where, int maxApps) {
        this.metrics = metrics;
        this.appDrops = metrics.appDrops();
        this.where = where;
        this.maxApps = maxApps;
    }

    /** Counts one envelope of {@code app} shed for {@code reason} and tells the app at the next notice. */
    void shed(String app, DropReason reason) {
        metrics.dropped().increment(reason);
        told(app, reason);
    }

    /** As {@link #shed}, for an envelope already counted in the reason's total. */
    void told(String app, DropReason reason) {
        appDrops.increment(app, reason);
        if (app == null) {
            return; // nobody to tell
        }
        Shed count = shedByApp.get(app);
        if (count == null) {
            if (shedByApp.size() >= maxApps) {
                return;
            }
            count = shedByApp.computeIfAbsent(app, a -> new Shed());
        }
        (reason == DropReason.INGRESS_SHED ? count.alike : count.overShare).increment();
    }

    /** Counts one envelope of {@code app} that a log-rate limit dropped (its total and notice are the limit's own). */
    void limited(String app) {
        appDrops.increment(app, DropReason.LOG_RATE_LIMIT);
    }

    /** Whether notices are due (router thread only). */
    boolean due(long nowNanos) {
        return nowNanos - lastEmitNanos >= INTERVAL_NANOS && !shedByApp.isEmpty();
    }

    /** Hands one notice per app that lost envelopes since the last time to {@code route}. Router thread only. */
    void emit(long nowNanos, Consumer<RoutedEnvelope> route) {
        lastEmitNanos = nowNanos;
        long wallClock = System.currentTimeMillis() * 1_000_000L;
        Iterator<Map.Entry<String, Shed>> entries = shedByApp.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<String, Shed> entry = entries.next();
            long overShare = entry.getValue().overShare.sumThenReset();
            long shed = overShare + entry.getValue().alike.sumThenReset();
            if (shed == 0) {
                // nothing shed for a second: forget the app (a shed racing this removal goes untold, never uncounted)
                entries.remove();
                continue;
            }
            String app = entry.getKey();
            long total = totalByApp.merge(app, shed, Long::sum);
            // Only an app refused for its share is told it sent too much; a full buffer dropped everyone alike.
            byte[] notice = overShare > 0 ? DropNotices.overload(ORIGIN, app, shed, total, where, wallClock)
                    : DropNotices.saturated(ORIGIN, app, shed, total, where, wallClock);
            route.accept(RoutedEnvelope.fromV1(app, EventType.LogMessage, notice));
        }
        if (totalByApp.size() > maxApps) {
            totalByApp.clear(); // totals restart rather than grow without bound
        }
    }

    /** An app's envelopes shed since the last notice: refused for its share, and dropped with every app alike. */
    private static final class Shed {
        final LongAdder overShare = new LongAdder();
        final LongAdder alike = new LongAdder();
    }
}
