package dev.loggregator.wire.v2;

import dev.loggregator.wire.uuid.V1Uuids;
import java.util.Map;
import org.cloudfoundry.dropsonde.events.ErrorFactory;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.HttpFactory.HttpStartStop;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.dropsonde.events.MetricFactory;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.GaugeValue;

/**
 * Converts a dropsonde v1 envelope into the v2 envelope the real system serves for it: go-loggregator's
 * {@code conversion/tov2.go} with preferred tags, which is how the real Doppler's v1 ingress stores
 * what it receives. The v1 header fields become tags ({@code origin}, {@code deployment}, {@code job},
 * {@code index}, {@code ip} and {@code __v1_type}, always present); {@code source_id} is the app id
 * where the message has one, else the v1 tag {@code source_id}, else {@code deployment/job}.
 */
public final class V1ToV2Converter {
    private V1ToV2Converter() {
    }

    public static LoggregatorEnvelope.Envelope convert(Envelope v1) {
        LoggregatorEnvelope.Envelope.Builder v2 = LoggregatorEnvelope.Envelope.newBuilder()
                .setTimestamp(v1.getTimestamp())
                .putAllTags(v1.getTagsMap())
                .putTags("origin", v1.getOrigin())
                .putTags("deployment", v1.getDeployment())
                .putTags("job", v1.getJob())
                .putTags("index", v1.getIndex())
                .putTags("ip", v1.getIp())
                .putTags("__v1_type", v1.getEventType().name());
        Map<String, String> tags = v1.getTagsMap();
        String sourceId = tags.get("source_id");
        v2.setSourceId(sourceId != null ? sourceId : v1.getDeployment() + "/" + v1.getJob());
        v2.removeTags("source_id");
        switch (v1.getEventType()) {
            case LogMessage -> log(v2, v1.getLogMessage());
            case HttpStartStop -> timer(v2, v1.getHttpStartStop());
            case ValueMetric -> valueMetric(v2, v1.getValueMetric(), tags);
            case CounterEvent -> counter(v2, v1.getCounterEvent(), tags);
            case Error -> error(v2, v1.getError());
            case ContainerMetric -> containerMetric(v2, v1.getContainerMetric());
        }
        return v2.build();
    }

    private static void log(LoggregatorEnvelope.Envelope.Builder v2, LogMessage log) {
        v2.putTags("source_type", log.getSourceType())
                .setInstanceId(log.getSourceInstance());
        if (!log.getAppId().isEmpty()) {
            v2.setSourceId(log.getAppId());
        }
        v2.setLog(LoggregatorEnvelope.Log.newBuilder()
                .setPayload(log.getMessage())
                .setType(log.getMessageType() == LogMessage.MessageType.ERR
                        ? LoggregatorEnvelope.Log.Type.ERR : LoggregatorEnvelope.Log.Type.OUT));
    }

    private static void timer(LoggregatorEnvelope.Envelope.Builder v2, HttpStartStop http) {
        if (http.getApplicationId().getLow() != 0 || http.getApplicationId().getHigh() != 0) {
            v2.setSourceId(V1Uuids.format(http.getApplicationId()));
        }
        v2.setInstanceId(Integer.toString(http.getInstanceIndex()))
                .setTimer(LoggregatorEnvelope.Timer.newBuilder()
                        .setName("http")
                        .setStart(http.getStartTimestamp())
                        .setStop(http.getStopTimestamp()))
                .putTags("request_id", V1Uuids.format(http.getRequestId()))
                .putTags("peer_type", http.getPeerType().name())
                .putTags("method", http.getMethod().name())
                .putTags("uri", http.getUri())
                .putTags("remote_address", http.getRemoteAddress())
                .putTags("user_agent", http.getUserAgent())
                .putTags("status_code", Integer.toString(http.getStatusCode()))
                .putTags("content_length", Long.toString(http.getContentLength()))
                .putTags("routing_instance_id", http.getInstanceId())
                .putTags("forwarded", String.join("\n", http.getForwardedList()));
    }

    private static void valueMetric(LoggregatorEnvelope.Envelope.Builder v2, MetricFactory.ValueMetric metric,
                                    Map<String, String> tags) {
        // tov2.go keeps the instance_id tag of a ValueMetric (it removes it only for counters).
        v2.setInstanceId(tags.getOrDefault("instance_id", ""))
                .setGauge(LoggregatorEnvelope.Gauge.newBuilder()
                        .putMetrics(metric.getName(), gaugeValue(metric.getUnit(), metric.getValue())));
    }

    private static void counter(LoggregatorEnvelope.Envelope.Builder v2, MetricFactory.CounterEvent counter,
                                Map<String, String> tags) {
        v2.setInstanceId(tags.getOrDefault("instance_id", ""))
                .removeTags("instance_id")
                .setCounter(LoggregatorEnvelope.Counter.newBuilder()
                        .setName(counter.getName())
                        .setDelta(counter.getDelta())
                        .setTotal(counter.getTotal()));
    }

    private static void error(LoggregatorEnvelope.Envelope.Builder v2, ErrorFactory.Error error) {
        v2.putTags("source", error.getSource())
                .putTags("code", Integer.toString(error.getCode()))
                .setLog(LoggregatorEnvelope.Log.newBuilder()
                        .setPayload(com.google.protobuf.ByteString.copyFromUtf8(error.getMessage()))
                        .setType(LoggregatorEnvelope.Log.Type.OUT));
    }

    private static void containerMetric(LoggregatorEnvelope.Envelope.Builder v2, MetricFactory.ContainerMetric metric) {
        if (!metric.getApplicationId().isEmpty()) {
            v2.setSourceId(metric.getApplicationId());
        }
        v2.setInstanceId(Integer.toString(metric.getInstanceIndex()))
                .setGauge(LoggregatorEnvelope.Gauge.newBuilder()
                        .putMetrics("cpu", gaugeValue("percentage", metric.getCpuPercentage()))
                        .putMetrics("memory", gaugeValue("bytes", unsigned(metric.getMemoryBytes())))
                        .putMetrics("disk", gaugeValue("bytes", unsigned(metric.getDiskBytes())))
                        .putMetrics("memory_quota", gaugeValue("bytes", unsigned(metric.getMemoryBytesQuota())))
                        .putMetrics("disk_quota", gaugeValue("bytes", unsigned(metric.getDiskBytesQuota()))));
    }

    private static GaugeValue gaugeValue(String unit, double value) {
        return GaugeValue.newBuilder().setUnit(unit).setValue(value).build();
    }

    /** Go's {@code float64(uint64)}: the uint64 read as unsigned. */
    private static double unsigned(long value) {
        return value >= 0 ? value : (value >>> 1 | (value & 1)) * 2.0;
    }
}
