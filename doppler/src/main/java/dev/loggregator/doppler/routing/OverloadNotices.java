package dev.loggregator.doppler.routing;

import dev.loggregator.doppler.metrics.DopplerMetrics;
import dev.loggregator.doppler.metrics.DropReason;
import dev.loggregator.wire.notice.DropNotices;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;

/**
 * Accounts for what {@link FairShare} shed at the router, per app, and once a second puts a notice
 * into each such app's own stream saying how many of its envelopes were dropped (the CF-style "you
 * exceeded your share" message the app's developer sees in {@code cf logs}). Router thread only;
 * at most {@code maxApps} apps are accounted between notices (beyond, only the total counts).
 */
public final class OverloadNotices {
    private static final long INTERVAL_NANOS = 1_000_000_000L;
    private static final String ORIGIN = "DopplerServer";

    private final DopplerMetrics metrics;
    private final String where;
    private final int maxApps;
    private final Map<String, long[]> shedByApp = new HashMap<>();
    private final Map<String, Long> totalByApp = new HashMap<>();
    private long lastEmitNanos;

    public OverloadNotices(DopplerMetrics metrics, String where, int maxApps) {
        this.metrics = metrics;
        this.where = where;
        this.maxApps = maxApps;
    }

    void shed(String app) {
        metrics.dropped().increment(DropReason.FAIR_SHARE);
        long[] count = shedByApp.get(app);
        if (count == null) {
            if (shedByApp.size() >= maxApps) {
                return;
            }
            count = new long[1];
            shedByApp.put(app, count);
        }
        count[0]++;
    }

    boolean due(long nowNanos) {
        return !shedByApp.isEmpty() && nowNanos - lastEmitNanos >= INTERVAL_NANOS;
    }

    /** Hands one notice per app that lost envelopes since the last time to {@code route}. */
    void emit(long nowNanos, Consumer<RoutedEnvelope> route) {
        lastEmitNanos = nowNanos;
        long wallClock = System.currentTimeMillis() * 1_000_000L;
        for (Map.Entry<String, long[]> entry : shedByApp.entrySet()) {
            String app = entry.getKey();
            long shed = entry.getValue()[0];
            long total = totalByApp.merge(app, shed, Long::sum);
            route.accept(RoutedEnvelope.fromV1(app, EventType.LogMessage,
                    DropNotices.overload(ORIGIN, app, shed, total, where, wallClock)));
        }
        shedByApp.clear();
        if (totalByApp.size() > maxApps) {
            totalByApp.clear(); // totals restart rather than grow without bound
        }
    }
}
