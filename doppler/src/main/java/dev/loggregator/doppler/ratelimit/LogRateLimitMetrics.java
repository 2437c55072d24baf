package dev.loggregator.doppler.ratelimit;

import dev.loggregator.doppler.metrics.DopplerMetrics;
import dev.loggregator.fairness.AppCounts;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import java.util.function.LongSupplier;

/**
 * The log-rate limits in /metrics. Every log they drop is also in
 * {@code doppler_dropped_envelopes_total{reason="log_rate_limit"}}; per app in
 * {@code doppler_log_rate_limit_dropped_total{app}} (a bounded label set, see {@link AppCounts}).
 */
public final class LogRateLimitMetrics {
    private LogRateLimitMetrics() {
    }

    public static void register(DopplerMetrics metrics, LogRateLimits limits) {
        metrics.gauge("log_rate_limit_instances", "App instances whose log-rate bucket is held (seen in the last second or so)",
                limits::trackedInstances);
        counter(metrics, "doppler_log_rate_limit_exceeded",
                "Times an app instance went over its log-rate limit, each told in its own stream"
                        + " (Cloud Foundry's AppInstanceExceededLogRateLimitCount)", limits::exceeded);
        counter(metrics, "doppler_log_rate_limit_evicted",
                "App instances forgotten while active because more than log_rate_limit.max_instances were"
                        + " (each starts again with a full bucket)", limits::evicted);
        CounterWithCallback.builder()
                .name("doppler_log_rate_limit_dropped")
                .help("Logs dropped by log-rate limits, per app (past log_rate_limit.max_counted_apps apps: app=\""
                        + AppCounts.OTHER_APPS + "\")")
                .labelNames("app")
                .callback(callback -> limits.droppedByApp().forEach((app, dropped) -> callback.call(dropped, app)))
                .register(metrics.registry());
    }

    private static void counter(DopplerMetrics metrics, String name, String help, LongSupplier value) {
        CounterWithCallback.builder().name(name).help(help).callback(callback -> callback.call(value.getAsLong()))
                .register(metrics.registry());
    }
}
