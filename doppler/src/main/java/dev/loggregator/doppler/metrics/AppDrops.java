package dev.loggregator.doppler.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every envelope of an app this Doppler dropped on its way to the router or in it (ingress shed, fair
 * share at ingress or at the router, log-rate limit), or for one subscriber (slow subscriber), per app and
 * reason, so an app's loss is accounted exactly: what it sent = what its readers got + these. In {@code /metrics} as
 * {@code doppler_app_dropped_envelopes_total{app,reason}}; the label set is bounded: past {@code maxApps}
 * apps the drops of further apps are counted together under {@code app="_other"}. Written by any thread.
 */
public final class AppDrops {
    public static final String OTHER_APPS = "_other";
    /** An envelope with neither app id nor source id. */
    public static final String NO_APP = "_none";

    private static final DropReason[] REASONS = DropReason.values();

    private final int maxApps;
    private final Map<String, LongAdder[]> counts = new ConcurrentHashMap<>();
    private final LongAdder[] others = newCounts();

    public AppDrops(int maxApps) {
        this.maxApps = maxApps;
    }

    public void increment(String app, DropReason reason) {
        String key = app == null ? NO_APP : app;
        LongAdder[] count = counts.get(key);
        if (count == null) {
            count = counts.size() >= maxApps ? others : counts.computeIfAbsent(key, k -> newCounts());
        }
        count[reason.ordinal()].increment();
    }

    /** What {@code app} lost for {@code reason} so far (for tests; /metrics reads them all). */
    public long count(String app, DropReason reason) {
        LongAdder[] count = counts.get(app);
        return count == null ? 0 : count[reason.ordinal()].sum();
    }

    void register(PrometheusRegistry registry) {
        CounterWithCallback.builder()
                .name("doppler_app_dropped_envelopes")
                .help("Envelopes of an app dropped by this Doppler, per app and reason (ingress_shed, fair_share,"
                        + " log_rate_limit: for every reader; slow_subscriber: for one subscriber); past log_rate_limit.max_counted_apps apps: app=\"" + OTHER_APPS + "\"")
                .labelNames("app", "reason")
                .callback(callback -> {
                    counts.forEach((app, count) -> report(callback, app, count));
                    report(callback, OTHER_APPS, others);
                })
                .register(registry);
    }

    private static void report(CounterWithCallback.Callback callback, String app, LongAdder[] count) {
        for (DropReason reason : REASONS) {
            long n = count[reason.ordinal()].sum();
            if (n > 0) {
                callback.call(n, app, reason.label());
            }
        }
    }

    private static LongAdder[] newCounts() {
        LongAdder[] count = new LongAdder[REASONS.length];
        for (int i = 0; i < count.length; i++) {
            count[i] = new LongAdder();
        }
        return count;
    }
}
