package dev.loggregator.trafficcontroller.metrics;

import dev.loggregator.wire.framing.LengthPrefix;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.cloudfoundry.dropsonde.events.MetricFactory.CounterEvent;
import org.cloudfoundry.dropsonde.events.MetricFactory.ValueMetric;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the Traffic Controller's own metrics into the firehose, as the original did through its
 * Metron agent: envelopes with origin {@code LoggregatorTrafficController}, sent over a Doppler's
 * dropsonde v1 TCP ingress so that every firehose (on any Traffic Controller) sees them once.
 */
public final class SelfMetricsEmitter implements AutoCloseable {
    public static final String ORIGIN = "LoggregatorTrafficController";
    private static final Logger LOG = LoggerFactory.getLogger(SelfMetricsEmitter.class);

    private final TrafficControllerMetrics metrics;
    private final Supplier<List<InetSocketAddress>> dopplerIngress;
    private final Envelope.Builder template;
    private ScheduledFuture<?> task;
    private long lastSlowConsumers;
    private long lastFirehoseEgress;
    private long lastStreamEgress;
    private int next;

    public SelfMetricsEmitter(TrafficControllerMetrics metrics, Supplier<List<InetSocketAddress>> dopplerIngress,
                              String deployment, int index, String ip) {
        this.metrics = metrics;
        this.dopplerIngress = dopplerIngress;
        this.template = Envelope.newBuilder().setOrigin(ORIGIN).setDeployment(deployment)
                .setJob("traffic_controller").setIndex(Integer.toString(index)).setIp(ip);
    }

    public void start(ScheduledExecutorService scheduler, int intervalSeconds) {
        task = scheduler.scheduleWithFixedDelay(this::emitSafely, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
    }

    private void emitSafely() {
        try {
            emit();
        } catch (RuntimeException e) {
            LOG.warn("cannot emit self-metrics", e);
        }
    }

    /** Builds this interval's envelopes and sends them to one Doppler (the next that accepts a connection). */
    void emit() {
        List<byte[]> envelopes = envelopes(System.currentTimeMillis() * 1_000_000L);
        List<InetSocketAddress> targets = dopplerIngress.get();
        for (int attempt = 0; attempt < targets.size(); attempt++) {
            InetSocketAddress target = targets.get(Math.floorMod(next++, targets.size()));
            try (Socket socket = new Socket()) {
                socket.connect(target, 2000);
                OutputStream out = new BufferedOutputStream(socket.getOutputStream());
                for (byte[] envelope : envelopes) {
                    LengthPrefix.write(out, envelope);
                }
                out.flush();
                return;
            } catch (IOException e) {
                LOG.debug("Doppler ingress {} refused self-metrics: {}", target, e.toString());
            }
        }
        if (!targets.isEmpty()) {
            LOG.warn("no Doppler accepted self-metrics ({} tried)", targets.size());
        }
    }

    List<byte[]> envelopes(long timestampNanos) {
        List<byte[]> out = new ArrayList<>();
        out.add(value(timestampNanos, "doppler_proxy.firehoses", metrics.firehoses(), "connections"));
        out.add(value(timestampNanos, "doppler_proxy.app_streams", metrics.appStreams(), "connections"));
        out.add(value(timestampNanos, "doppler_proxy.recent_logs_latency", metrics.lastRecentLogsLatencyMillis(), "ms"));
        out.add(value(timestampNanos, "doppler_proxy.container_metrics_latency",
                metrics.lastContainerMetricsLatencyMillis(), "ms"));
        long slow = metrics.slowConsumers();
        out.add(counter(timestampNanos, "doppler_proxy.slow_consumer", slow - lastSlowConsumers, slow, null));
        lastSlowConsumers = slow;
        long firehoseEgress = metrics.egress(TrafficControllerMetrics.FIREHOSE);
        out.add(counter(timestampNanos, "egress", firehoseEgress - lastFirehoseEgress, firehoseEgress, "firehose"));
        lastFirehoseEgress = firehoseEgress;
        long streamEgress = metrics.egress(TrafficControllerMetrics.STREAM);
        out.add(counter(timestampNanos, "egress", streamEgress - lastStreamEgress, streamEgress, "stream"));
        lastStreamEgress = streamEgress;
        return out;
    }

    private byte[] value(long timestamp, String name, double value, String unit) {
        return template.clone().setEventType(EventType.ValueMetric).setTimestamp(timestamp)
                .setValueMetric(ValueMetric.newBuilder().setName(name).setValue(value).setUnit(unit))
                .build().toByteArray();
    }

    private byte[] counter(long timestamp, String name, long delta, long total, String endpoint) {
        Envelope.Builder builder = template.clone().setEventType(EventType.CounterEvent).setTimestamp(timestamp)
                .setCounterEvent(CounterEvent.newBuilder().setName(name).setDelta(delta).setTotal(total));
        if (endpoint != null) {
            builder.putTags("endpoint", endpoint);
        }
        return builder.build().toByteArray();
    }

    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
