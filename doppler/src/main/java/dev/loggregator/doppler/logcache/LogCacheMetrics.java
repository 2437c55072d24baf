package dev.loggregator.doppler.logcache;

import dev.loggregator.doppler.metrics.DopplerMetrics;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import java.util.List;

/** The Log Cache store in /metrics (and as self-metrics): what it holds, what it lost, how reads take. */
public final class LogCacheMetrics {
    private static final long[] SIZE_BUCKETS = {10, 100, 1_000, 10_000, 100_000};

    private final Histogram readLatency;

    private LogCacheMetrics(Histogram readLatency) {
        this.readLatency = readLatency;
    }

    public static LogCacheMetrics register(DopplerMetrics metrics, LogCacheStore store) {
        metrics.gauge("log_cache_envelopes", "Envelopes held by the Log Cache store", store::envelopesHeld);
        metrics.gauge("log_cache_bytes", "Bytes held by the Log Cache store (envelopes and per-entry overhead)", store::bytesHeld);
        metrics.gauge("log_cache_spare_block_bytes",
                "Heap of expired blocks kept for new ones (within the memory budget, not in log_cache_bytes)",
                store::spareBlockBytes);
        metrics.gauge("log_cache_blocks_reused_total", "Full-size blocks taken from expired ones instead of made",
                store::blocksReused);
        metrics.gauge("log_cache_sources", "Source ids held by the Log Cache store", store::sourceCount);
        metrics.gauge("log_cache_stored_total", "Envelopes ever stored", store::stored);
        metrics.gauge("log_cache_expired_total", "Envelopes expired by the per-source cap or the memory budget",
                store::expired);
        metrics.gauge("log_cache_budget_expired_total", "Envelopes expired because the memory budget was reached",
                store::expiredByBudget);
        metrics.gauge("log_cache_refused_sources_total", "Envelopes of new sources not stored: twice max_sources were held, or the memory budget was reached before the pruner ran",
                store::refusedSources);
        metrics.gauge("log_cache_series", "PromQL metric series held (name and labels) over every source", store::seriesHeld);
        metrics.gauge("log_cache_series_refused_total",
                "Metric samples not kept for PromQL because their source held max_per_source series", store::seriesRefused);
        metrics.gauge("log_cache_forgotten_sources_total", "Sources forgotten whole beyond max_sources", store::forgottenSources);
        GaugeWithCallback.builder()
                .name("doppler_log_cache_sources_by_size")
                .help("Sources holding at most le envelopes")
                .labelNames("le")
                .callback(callback -> {
                    List<Integer> sizes = store.sourceSizes();
                    for (long bucket : SIZE_BUCKETS) {
                        callback.call(sizes.stream().filter(size -> size <= bucket).count(), Long.toString(bucket));
                    }
                    callback.call(sizes.size(), "+Inf");
                })
                .register(metrics.registry());
        return new LogCacheMetrics(Histogram.builder()
                .name("doppler_log_cache_read_seconds")
                .help("Time to answer a Log Cache read from this Doppler's store")
                .register(metrics.registry()));
    }

    public void readTook(long nanos) {
        readLatency.observe(nanos / 1e9);
    }
}
