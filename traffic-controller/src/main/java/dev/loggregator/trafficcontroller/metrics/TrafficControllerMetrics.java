package dev.loggregator.trafficcontroller.metrics;

import dev.loggregator.fairness.AppCounts;
import dev.loggregator.trafficcontroller.stream.StreamBudget;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Traffic Controller's own metrics, named after the original's {@code doppler_proxy.*}
 * metrics (loggregator-v1-reference §2.9). Exposed at {@code /metrics} and, by
 * {@link SelfMetricsEmitter}, as envelopes into the firehose.
 */
public final class TrafficControllerMetrics {
    public static final String FIREHOSE = "firehose";
    public static final String STREAM = "stream";
    /** The RLP gateway's {@code /v2/read} Server-Sent Events. */
    public static final String V2_READ = "v2_read";
    /** The gRPC {@code loggregator.v2.Egress} receivers. */
    public static final String V2_GRPC = "v2_grpc";
    private static final AppDropReason[] APP_DROP_REASONS = AppDropReason.values();

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final AtomicLong firehoses = new AtomicLong();
    private final AtomicLong appStreams = new AtomicLong();
    private final AtomicLong v2Reads = new AtomicLong();
    private final AtomicLong v2Grpc = new AtomicLong();
    private final Counter slowConsumers;
    private final Counter egress;
    private final Counter dropped;
    private final Counter dopplerReconnects;
    private final Counter malformedBatches;
    private final Counter refusals;
    private final Histogram recentLogsLatency;
    private final Histogram containerMetricsLatency;
    private final Histogram logCacheReadLatency;
    private final AppCounts appDrops;
    private volatile double lastRecentLogsLatencyMillis;
    private volatile double lastContainerMetricsLatencyMillis;

    public TrafficControllerMetrics() {
        this(1000);
    }

    /** {@code maxCountedApps}: apps with their own label in {@code doppler_proxy_app_dropped_envelopes_total}. */
    public TrafficControllerMetrics(int maxCountedApps) {
        GaugeWithCallback.builder().name("doppler_proxy_firehoses").help("open firehose client connections")
                .callback(cb -> cb.call(firehoses.get())).register(registry);
        GaugeWithCallback.builder().name("doppler_proxy_app_streams").help("open app stream client connections")
                .callback(cb -> cb.call(appStreams.get())).register(registry);
        GaugeWithCallback.builder().name("doppler_proxy_streams").help("open client streams per endpoint")
                .labelNames("endpoint")
                .callback(cb -> {
                    cb.call(firehoses.get(), FIREHOSE);
                    cb.call(appStreams.get(), STREAM);
                    cb.call(v2Reads.get(), V2_READ);
                    cb.call(v2Grpc.get(), V2_GRPC);
                }).register(registry);
        slowConsumers = Counter.builder().name("doppler_proxy_slow_consumer")
                .help("client streams closed because the client took no data for slow_consumer_timeout_seconds")
                .register(registry);
        egress = Counter.builder().name("doppler_proxy_egress")
                .help("envelopes written to clients").labelNames("endpoint").register(registry);
        dropped = Counter.builder().name("doppler_proxy_dropped")
                .help("envelopes dropped for a client: its buffer full, or under pressure its app over its fair share")
                .labelNames("endpoint").register(registry);
        appDrops = new AppCounts(maxCountedApps, APP_DROP_REASONS.length);
        CounterWithCallback.builder().name("doppler_proxy_app_dropped_envelopes")
                .help("envelopes of an app dropped for a client (v1 and v2 streams; for v2 the app is the source id),"
                        + " per app and reason (fair_share, buffer_full, slow_consumer);"
                        + " past traffic_controller.max_counted_apps apps: app=\"" + AppCounts.OTHER_APPS + "\"")
                .labelNames("app", "reason")
                .callback(cb -> appDrops.forEach((app, reason, n) -> cb.call(n, app, APP_DROP_REASONS[reason].label())))
                .register(registry);
        dopplerReconnects = Counter.builder().name("doppler_proxy_doppler_reconnects")
                .help("Doppler links that closed and are re-dialled").register(registry);
        malformedBatches = Counter.builder().name("doppler_proxy_malformed_batches")
                .help("frames from Dopplers whose records did not add up; the link was closed").register(registry);
        refusals = Counter.builder().name("doppler_proxy_refusals")
                .help("requests and connections refused before reaching an endpoint, by reason").labelNames("reason")
                .register(registry);
        recentLogsLatency = Histogram.builder().name("doppler_proxy_recent_logs_latency_seconds")
                .help("time to gather recent logs from every Doppler").register(registry);
        containerMetricsLatency = Histogram.builder().name("doppler_proxy_container_metrics_latency_seconds")
                .help("time to gather container metrics from every Doppler").register(registry);
        logCacheReadLatency = Histogram.builder().name("log_cache_read_latency_seconds")
                .help("time to answer a Log Cache read (auth excluded), gathering from every Doppler").register(registry);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        GaugeWithCallback.builder().name("jvm_heap_used_bytes").help("heap in use")
                .callback(cb -> cb.call(memory.getHeapMemoryUsage().getUsed())).register(registry);
        GaugeWithCallback.builder().name("jvm_threads").help("live threads")
                .callback(cb -> cb.call(ManagementFactory.getThreadMXBean().getThreadCount())).register(registry);
    }

    /** Doppler links currently open (every subscription holds one per Doppler). */
    public void dopplerLinks(java.util.function.IntSupplier openLinks) {
        GaugeWithCallback.builder().name("doppler_proxy_doppler_links").help("open WebSocket links to Dopplers")
                .callback(cb -> cb.call(openLinks.getAsInt())).register(registry);
    }

    /** The heap held by the queues of the streams of many apps, and their byte budget. */
    public void streamBuffer(StreamBudget budget) {
        GaugeWithCallback.builder().name("doppler_proxy_stream_buffer_bytes")
                .help("bytes queued for firehose and v2 readers of many apps (traffic_controller.stream_buffer_bytes)")
                .callback(cb -> cb.call(budget.heldBytes())).register(registry);
        GaugeWithCallback.builder().name("doppler_proxy_stream_buffer_limit_bytes")
                .help("the byte budget of the queues of firehose and v2 readers of many apps")
                .callback(cb -> cb.call(budget.maxBytes())).register(registry);
    }

    /** Client connections held (every listener phase: HTTP requests and streams). */
    public void clientConnections(java.util.function.IntSupplier held) {
        GaugeWithCallback.builder().name("doppler_proxy_client_connections").help("client connections held")
                .callback(cb -> cb.call(held.getAsInt())).register(registry);
    }

    /** The accepted-token cache ({@code auth.token_cache_seconds}): its size, and what it shed when full. */
    public void tokenCache(java.util.function.LongSupplier entries, java.util.function.LongSupplier shed) {
        GaugeWithCallback.builder().name("doppler_proxy_token_cache_entries").help("accepted tokens remembered")
                .callback(cb -> cb.call(entries.getAsLong())).register(registry);
        CounterWithCallback.builder().name("doppler_proxy_token_cache_shed")
                .help("remembered tokens forgotten because the cache was full of unexpired ones")
                .callback(cb -> cb.call(shed.getAsLong())).register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public void streamOpened(String endpoint) {
        openStreams(endpoint).incrementAndGet();
    }

    public void streamClosed(String endpoint) {
        openStreams(endpoint).decrementAndGet();
    }

    private AtomicLong openStreams(String endpoint) {
        return switch (endpoint) {
            case FIREHOSE -> firehoses;
            case V2_READ -> v2Reads;
            case V2_GRPC -> v2Grpc;
            default -> appStreams;
        };
    }

    /** Open streams of one endpoint. */
    public long streams(String endpoint) {
        return openStreams(endpoint).get();
    }

    public long firehoses() {
        return firehoses.get();
    }

    public long appStreams() {
        return appStreams.get();
    }

    public void slowConsumer() {
        slowConsumers.inc();
    }

    public long slowConsumers() {
        return (long) slowConsumers.get();
    }

    public void egress(String endpoint, int envelopes) {
        egress.labelValues(endpoint).inc(envelopes);
    }

    public long egress(String endpoint) {
        return (long) egress.labelValues(endpoint).get();
    }

    public void dropped(String endpoint, int envelopes) {
        dropped.labelValues(endpoint).inc(envelopes);
    }

    /** {@code count} envelopes of {@code app} (a v1 envelope's app, a v2 envelope's source id) dropped for a client. */
    public void appDropped(String app, AppDropReason reason, long count) {
        appDrops.add(app, reason.ordinal(), count);
    }

    /** What {@code app}'s clients lost for {@code reason} so far. */
    public long appDropped(String app, AppDropReason reason) {
        return appDrops.count(app, reason.ordinal());
    }

    public void dopplerReconnect() {
        dopplerReconnects.inc();
    }

    public void malformedBatch() {
        malformedBatches.inc();
    }

    /** A request or connection refused for {@code reason} (see docs/security.md for the reasons). */
    public void refused(String reason) {
        refusals.labelValues(reason).inc();
    }

    public void recentLogsLatency(long nanos) {
        recentLogsLatency.observe(nanos / 1e9);
        lastRecentLogsLatencyMillis = nanos / 1e6;
    }

    public double lastRecentLogsLatencyMillis() {
        return lastRecentLogsLatencyMillis;
    }

    public void containerMetricsLatency(long nanos) {
        containerMetricsLatency.observe(nanos / 1e9);
        lastContainerMetricsLatencyMillis = nanos / 1e6;
    }

    public void logCacheRead(long nanos) {
        logCacheReadLatency.observe(nanos / 1e9);
    }

    public double lastContainerMetricsLatencyMillis() {
        return lastContainerMetricsLatencyMillis;
    }
}
