package dev.loggregator.e2e.ingress;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Counter;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Gauge;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.GaugeValue;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;

/** v2 envelopes shaped like the ones Diego cells and agents send for app logs and container metrics. */
public final class V2Envelopes {
    private V2Envelopes() {
    }

    public static Envelope log(String appId, String instance, String sourceType, Log.Type type, String text, long timestampNanos) {
        return log(appId, instance, sourceType, type, ByteString.copyFrom(text, StandardCharsets.UTF_8), timestampNanos);
    }

    public static Envelope log(String appId, String instance, String sourceType, Log.Type type, ByteString payload, long timestampNanos) {
        return Envelope.newBuilder()
                .setTimestamp(timestampNanos)
                .setSourceId(appId)
                .setInstanceId(instance)
                .putTags("source_type", sourceType)
                .putTags("origin", "rep")
                .putTags("deployment", "cf")
                .putTags("job", "diego-cell")
                .putTags("index", "0")
                .putTags("ip", "127.0.0.1")
                .setLog(Log.newBuilder().setPayload(payload).setType(type))
                .build();
    }

    /** A container-metrics gauge (cpu, memory, disk and quotas), which becomes a v1 ContainerMetric. */
    public static Envelope containerMetric(String appId, int instance, double cpu, long memory, long disk, long timestampNanos) {
        return Envelope.newBuilder()
                .setTimestamp(timestampNanos)
                .setSourceId(appId)
                .setInstanceId(Integer.toString(instance))
                .putTags("origin", "rep")
                .setGauge(Gauge.newBuilder()
                        .putMetrics("cpu", gauge("percentage", cpu))
                        .putMetrics("memory", gauge("bytes", memory))
                        .putMetrics("disk", gauge("bytes", disk))
                        .putMetrics("memory_quota", gauge("bytes", 1L << 30))
                        .putMetrics("disk_quota", gauge("bytes", 1L << 30)))
                .build();
    }

    public static Envelope counter(String sourceId, String name, long delta, long total, long timestampNanos) {
        return Envelope.newBuilder()
                .setTimestamp(timestampNanos)
                .setSourceId(sourceId)
                .putTags("origin", sourceId)
                .setCounter(Counter.newBuilder().setName(name).setDelta(delta).setTotal(total))
                .build();
    }

    private static GaugeValue gauge(String unit, double value) {
        return GaugeValue.newBuilder().setUnit(unit).setValue(value).build();
    }
}
