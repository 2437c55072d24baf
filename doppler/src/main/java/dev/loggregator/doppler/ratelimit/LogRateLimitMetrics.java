package dev.loggregator.doppler.ratelimit;

import dev.loggregator.doppler.metrics.DopplerMetrics;
import io.prometheus.metrics.core.metrics.CounterWithCallback;

/**
 * The log-rate limits in /metrics (and as self-metrics). Every log they drop is in
 * {@code doppler_dropped_envelopes_total{reason="log_rate_limit"}}; per app only for the apps the manifest
 * names, so the label set stays as small as the manifest.
 */
public final class LogRateLimitMetrics {
    private LogRateLimitMetrics() {
    }

    public static void register(DopplerMetrics metrics, LogRateLimits limits) {
        metrics.gauge("log_rate_limit_instances", "App instances whose log-rate bucket is held (seen in the last second or so)",
                limits::trackedInstances);
        metrics.gauge("log_rate_limit_exceeded_total",
                "Times an app instance went over its log-rate limit (each told in its stream, as AppInstanceExceededLogRateLimitCount)",
                limits::exceeded);
        metrics.gauge("log_rate_limit_evicted_total",
                "App instances forgotten while active because more than log_rate_limit.max_instances were", limits::evicted);
        CounterWithCallback.builder()
                .name("doppler_log_rate_limit_dropped_by_app")
                .help("Logs dropped by the log-rate limit of each app that has its own limit in the manifest")
                .labelNames("app")
                .callback(callback -> limits.droppedByApp().forEach((app, dropped) -> callback.call(dropped, app)))
                .register(metrics.registry());
    }
}
