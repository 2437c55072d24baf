package dev.loggregator.doppler.metrics;

import io.grpc.Status;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.MetricFactory.CounterEvent;
import org.cloudfoundry.dropsonde.events.MetricFactory.ValueMetric;

/**
 * Puts this Doppler's own metrics into its firehose every interval, as the original Doppler
 * did through its Metron: a CounterEvent per counter and label (delta since the last emission,
 * running total) and a ValueMetric per gauge, all with origin {@code DopplerServer}.
 */
public final class SelfMetricsEmitter implements Runnable {
    public static final String ORIGIN = "DopplerServer";

    private final DopplerMetrics metrics;
    private final Consumer<Envelope> sink;
    private final Envelope.Builder identity;
    private final Map<String, long[]> lastTotals = new java.util.HashMap<>();

    public SelfMetricsEmitter(DopplerMetrics metrics, Consumer<Envelope> sink, String deployment, String index, String ip) {
        this.metrics = metrics;
        this.sink = sink;
        this.identity = Envelope.newBuilder()
                .setOrigin(ORIGIN)
                .setDeployment(deployment)
                .setJob("doppler")
                .setIndex(index)
                .setIp(ip);
    }

    @Override
    public synchronized void run() {
        long now = wallClockNanos();
        counters("ingress", "protocol", metrics.ingress(), now);
        counters("egress", "endpoint", metrics.egress(), now);
        counters("dropped", "reason", metrics.dropped(), now);
        counters("refused_connections", "reason", metrics.refusedConnections(), now);
        grpcErrors(now);
        for (Map.Entry<String, LongSupplier> gauge : metrics.gauges().entrySet()) {
            sink.accept(identity.clone()
                    .setEventType(Envelope.EventType.ValueMetric)
                    .setTimestamp(now)
                    .setValueMetric(ValueMetric.newBuilder()
                            .setName(gauge.getKey())
                            .setValue(gauge.getValue().getAsLong())
                            .setUnit(gauge.getKey().endsWith("bytes") ? "bytes" : "count"))
                    .build());
        }
    }

    private <E extends Enum<E> & MetricLabel> void counters(String name, String tag, LabeledCounter<E> counter, long now) {
        E[] labels = counter.labels();
        long[] last = lastTotals.computeIfAbsent(name, k -> new long[labels.length]);
        for (E label : labels) {
            long total = counter.get(label);
            if (total == 0) {
                continue; // nothing ever happened here: not worth an envelope
            }
            long delta = total - last[label.ordinal()];
            last[label.ordinal()] = total;
            sink.accept(counterEvent(name, delta, total, now).putTags(tag, label.label()).build());
        }
    }

    private void grpcErrors(long now) {
        GrpcCallErrors errors = metrics.grpcErrors();
        Status.Code[] codes = Status.Code.values();
        for (IngressGrpcMethod method : IngressGrpcMethod.values()) {
            long[] last = lastTotals.computeIfAbsent("ingress_grpc_errors " + method.label(), k -> new long[codes.length]);
            for (Status.Code code : codes) {
                long total = errors.get(method, code);
                if (total == 0) {
                    continue;
                }
                long delta = total - last[code.ordinal()];
                last[code.ordinal()] = total;
                sink.accept(counterEvent("ingress_grpc_errors", delta, total, now)
                        .putTags("code", code.name())
                        .putTags("method", method.label())
                        .build());
            }
        }
    }

    private Envelope.Builder counterEvent(String name, long delta, long total, long now) {
        return identity.clone()
                .setEventType(Envelope.EventType.CounterEvent)
                .setTimestamp(now)
                .setCounterEvent(CounterEvent.newBuilder().setName(name).setDelta(delta).setTotal(total));
    }

    private static long wallClockNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
