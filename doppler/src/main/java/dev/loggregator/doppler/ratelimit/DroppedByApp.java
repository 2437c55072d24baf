package dev.loggregator.doppler.ratelimit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Logs a log-rate limit dropped, per app, so operators see which app tripped it (what diego-release#457
 * asks of {@code AppInstanceExceededLogRateLimitCount}). Bounded: past {@code maxApps} apps the drops of
 * further apps are counted together under {@link #OTHER_APPS}. Written by the router thread only, read by
 * /metrics.
 */
final class DroppedByApp {
    static final String OTHER_APPS = "_other";

    private final int maxApps;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final LongAdder others = new LongAdder();

    DroppedByApp(int maxApps) {
        this.maxApps = maxApps;
    }

    void increment(String app) {
        LongAdder count = counts.get(app);
        if (count == null) {
            if (counts.size() >= maxApps) {
                others.increment();
                return;
            }
            count = new LongAdder();
            counts.put(app, count);
        }
        count.increment();
    }

    Map<String, Long> snapshot() {
        Map<String, Long> snapshot = new LinkedHashMap<>();
        counts.forEach((app, count) -> snapshot.put(app, count.sum()));
        long other = others.sum();
        if (other > 0) {
            snapshot.put(OTHER_APPS, other);
        }
        return snapshot;
    }
}
