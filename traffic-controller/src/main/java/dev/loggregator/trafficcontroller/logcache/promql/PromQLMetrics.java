package dev.loggregator.trafficcontroller.logcache.promql;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** PromQL queries in the Traffic Controller's /metrics: how long they take and how many fail, per kind (instant, range). */
final class PromQLMetrics {
    private final Histogram duration;
    private final Counter failures;

    PromQLMetrics(PrometheusRegistry registry) {
        duration = Histogram.builder().name("log_cache_promql_query_seconds")
                .help("Time to answer a PromQL query: fetching samples from the Dopplers and evaluating")
                .labelNames("kind").register(registry);
        failures = Counter.builder().name("log_cache_promql_failures_total")
                .help("PromQL queries that ended in an error (parse errors excluded)")
                .labelNames("kind").register(registry);
    }

    void took(boolean instant, long nanos) {
        duration.labelValues(instant ? "instant" : "range").observe(nanos / 1e9);
    }

    void failed(boolean instant) {
        failures.labelValues(instant ? "instant" : "range").inc();
    }
}
