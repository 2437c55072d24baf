package dev.loggregator.doppler.metrics;

import dev.loggregator.fairness.AppCounts;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Every envelope of an app this Doppler dropped on its way to the router or in it (ingress shed, fair
 * share at ingress or at the router, log-rate limit), or for one subscriber (slow subscriber), per app and
 * reason, so an app's loss is accounted exactly: what it sent = what its readers got + these. In {@code /metrics} as
 * {@code doppler_app_dropped_envelopes_total{app,reason}}; the label set is bounded: past {@code maxApps}
 * apps the drops of further apps are counted together under {@code app="_other"}. Written by any thread.
 */
public final class AppDrops {
    public static final String OTHER_APPS = AppCounts.OTHER_APPS;
    /** An envelope with neither app id nor source id. */
    public static final String NO_APP = "_none";

    private static final DropReason[] REASONS = DropReason.values();

    private final AppCounts counts;

    public AppDrops(int maxApps) {
        this.counts = new AppCounts(maxApps, REASONS.length);
    }

    public void increment(String app, DropReason reason) {
        counts.add(app == null ? NO_APP : app, reason.ordinal(), 1);
    }

    /** What {@code app} lost for {@code reason} so far (for tests; /metrics reads them all). */
    public long count(String app, DropReason reason) {
        return counts.count(app, reason.ordinal());
    }

    void register(PrometheusRegistry registry) {
        CounterWithCallback.builder()
                .name("doppler_app_dropped_envelopes")
                .help("Envelopes of an app dropped by this Doppler, per app and reason (ingress_shed, fair_share,"
                        + " log_rate_limit: for every reader; slow_subscriber: for one subscriber); past log_rate_limit.max_counted_apps apps: app=\"" + OTHER_APPS + "\"")
                .labelNames("app", "reason")
                .callback(callback -> counts.forEach((app, reason, n) -> callback.call(n, app, REASONS[reason].label())))
                .register(registry);
    }
}
