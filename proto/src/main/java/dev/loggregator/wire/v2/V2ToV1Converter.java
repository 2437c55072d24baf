package dev.loggregator.wire.v2;

import dev.loggregator.wire.uuid.V1Uuids;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cloudfoundry.dropsonde.events.ErrorFactory;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.cloudfoundry.dropsonde.events.HttpFactory;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.dropsonde.events.MetricFactory;
import org.cloudfoundry.dropsonde.events.UuidFactory;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;

/**
 * Converts a loggregator v2 envelope into the v1 envelopes the real system puts on the firehose
 * (spec ingress-v2.md, after loggregator's {@code plumbing/conversion/tov1.go}).
 */
public final class V2ToV1Converter {
    private static final List<String> CONTAINER_METRIC_GAUGES = List.of("cpu", "memory", "disk", "memory_quota", "disk_quota");
    private static final UuidFactory.UUID ZERO_UUID = UuidFactory.UUID.newBuilder().setLow(0).setHigh(0).build();

    private V2ToV1Converter() {
    }

    /** The v1 form of {@code v2}: empty for an Event or an envelope without a message, several ValueMetrics for a plain multi-metric gauge. */
    public static List<Envelope> convert(LoggregatorEnvelope.Envelope v2) {
        return switch (v2.getMessageCase()) {
            case LOG -> List.of(log(v2));
            case COUNTER -> List.of(counter(v2));
            case GAUGE -> gauge(v2);
            case TIMER -> List.of(timer(v2));
            case EVENT, MESSAGE_NOT_SET -> List.of();
        };
    }

    private static Envelope log(LoggregatorEnvelope.Envelope v2) {
        V2Tags tags = new V2Tags(v2);
        Envelope.Builder envelope = common(v2, tags);
        if ("Error".equals(tags.take("__v1_type"))) {
            ErrorFactory.Error error = ErrorFactory.Error.newBuilder()
                    .setSource(tags.take("source"))
                    .setCode(parseInt(tags.take("code")))
                    .setMessage(v2.getLog().getPayload().toString(StandardCharsets.UTF_8))
                    .build();
            return finish(envelope.setEventType(EventType.Error).setError(error), tags, v2);
        }
        LogMessage.Builder log = LogMessage.newBuilder()
                .setMessage(v2.getLog().getPayload())
                // like tov1.go: only OUT is OUT, so a type value this proto does not know is ERR
                .setMessageType(v2.getLog().getType() == LoggregatorEnvelope.Log.Type.OUT
                        ? LogMessage.MessageType.OUT : LogMessage.MessageType.ERR)
                .setTimestamp(v2.getTimestamp())
                .setAppId(v2.getSourceId())
                .setSourceType(tags.take("source_type"))
                .setSourceInstance(v2.getInstanceId());
        return finish(envelope.setEventType(EventType.LogMessage).setLogMessage(log), tags, v2);
    }

    private static Envelope counter(LoggregatorEnvelope.Envelope v2) {
        V2Tags tags = new V2Tags(v2);
        Envelope.Builder envelope = common(v2, tags);
        LoggregatorEnvelope.Counter counter = v2.getCounter();
        putInstanceId(tags, v2);
        return finish(envelope.setEventType(EventType.CounterEvent).setCounterEvent(MetricFactory.CounterEvent.newBuilder()
                .setName(counter.getName())
                .setDelta(counter.getDelta())
                .setTotal(counter.getTotal())), tags, v2);
    }

    private static List<Envelope> gauge(LoggregatorEnvelope.Envelope v2) {
        Map<String, LoggregatorEnvelope.GaugeValue> metrics = v2.getGauge().getMetricsMap();
        if (metrics.size() > 1 && CONTAINER_METRIC_GAUGES.stream().allMatch(name -> isMeasured(metrics.get(name)))) {
            return List.of(containerMetric(v2, metrics));
        }
        List<Envelope> envelopes = new ArrayList<>(metrics.size());
        for (Map.Entry<String, LoggregatorEnvelope.GaugeValue> metric : metrics.entrySet()) {
            V2Tags tags = new V2Tags(v2);
            Envelope.Builder envelope = common(v2, tags);
            putInstanceId(tags, v2);
            envelopes.add(finish(envelope.setEventType(EventType.ValueMetric).setValueMetric(MetricFactory.ValueMetric.newBuilder()
                    .setName(metric.getKey())
                    .setUnit(metric.getValue().getUnit())
                    .setValue(metric.getValue().getValue())), tags, v2));
        }
        return envelopes;
    }

    /** An entry with neither unit nor value is no measurement, so it cannot make a ContainerMetric (tov1.go). */
    private static boolean isMeasured(LoggregatorEnvelope.GaugeValue value) {
        return value != null && !(value.getUnit().isEmpty() && value.getValue() == 0);
    }

    private static Envelope containerMetric(LoggregatorEnvelope.Envelope v2, Map<String, LoggregatorEnvelope.GaugeValue> metrics) {
        V2Tags tags = new V2Tags(v2);
        Envelope.Builder envelope = common(v2, tags);
        LoggregatorEnvelope.GaugeValue instanceIndex = metrics.get("instance_index");
        MetricFactory.ContainerMetric metric = MetricFactory.ContainerMetric.newBuilder()
                .setApplicationId(v2.getSourceId())
                .setInstanceIndex(instanceIndex != null ? (int) instanceIndex.getValue() : parseInt(v2.getInstanceId()))
                .setCpuPercentage(metrics.get("cpu").getValue())
                .setMemoryBytes((long) metrics.get("memory").getValue())
                .setDiskBytes((long) metrics.get("disk").getValue())
                .setMemoryBytesQuota((long) metrics.get("memory_quota").getValue())
                .setDiskBytesQuota((long) metrics.get("disk_quota").getValue())
                .build();
        return finish(envelope.setEventType(EventType.ContainerMetric).setContainerMetric(metric), tags, v2);
    }

    private static Envelope timer(LoggregatorEnvelope.Envelope v2) {
        V2Tags tags = new V2Tags(v2);
        Envelope.Builder envelope = common(v2, tags);
        LoggregatorEnvelope.Timer timer = v2.getTimer();
        HttpFactory.HttpStartStop.Builder http = HttpFactory.HttpStartStop.newBuilder()
                .setStartTimestamp(timer.getStart())
                .setStopTimestamp(timer.getStop())
                .setRequestId(uuidOr(tags.take("request_id"), ZERO_UUID))
                .setPeerType(enumOr(HttpFactory.PeerType.class, tags.take("peer_type"), HttpFactory.PeerType.Client))
                .setMethod(enumOr(HttpFactory.Method.class, tags.take("method"), HttpFactory.Method.GET))
                .setUri(tags.take("uri"))
                .setRemoteAddress(tags.take("remote_address"))
                .setUserAgent(tags.take("user_agent"))
                .setStatusCode(parseInt(tags.take("status_code")))
                .setContentLength(parseLong(tags.take("content_length")))
                .setInstanceIndex(parseInt(v2.getInstanceId()))
                .setInstanceId(tags.take("routing_instance_id"));
        UuidFactory.UUID applicationId = uuidOr(v2.getSourceId(), null);
        if (applicationId != null) {
            http.setApplicationId(applicationId);
        }
        String forwarded = tags.take("forwarded");
        if (!forwarded.isEmpty()) {
            http.addAllForwarded(List.of(forwarded.split("\n")));
        }
        return finish(envelope.setEventType(EventType.HttpStartStop).setHttpStartStop(http), tags, v2);
    }

    /** The fields every converted envelope has: origin and BOSH metadata from tags (always present), timestamp. */
    private static Envelope.Builder common(LoggregatorEnvelope.Envelope v2, V2Tags tags) {
        return Envelope.newBuilder()
                .setOrigin(tags.take("origin"))
                .setDeployment(tags.take("deployment"))
                .setJob(tags.take("job"))
                .setIndex(tags.take("index"))
                .setIp(tags.take("ip"))
                .setTimestamp(v2.getTimestamp());
    }

    private static Envelope finish(Envelope.Builder envelope, V2Tags tags, LoggregatorEnvelope.Envelope v2) {
        tags.take("__v1_type");
        if (!v2.getSourceId().isEmpty()) {
            tags.put("source_id", v2.getSourceId());
        }
        return envelope.putAllTags(tags.remaining()).build();
    }

    private static void putInstanceId(V2Tags tags, LoggregatorEnvelope.Envelope v2) {
        if (!v2.getInstanceId().isEmpty()) {
            tags.put("instance_id", v2.getInstanceId());
        }
    }

    private static UuidFactory.UUID uuidOr(String text, UuidFactory.UUID fallback) {
        try {
            return V1Uuids.toV1(text);
        } catch (IllegalArgumentException e) {
            return fallback;
        }
    }

    private static <E extends Enum<E>> E enumOr(Class<E> type, String name, E fallback) {
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            return fallback;
        }
    }

    /** {@link #parseLong}, and 0 for a number outside the int range. */
    private static int parseInt(String text) {
        long value = parseLong(text);
        return value == (int) value ? (int) value : 0;
    }

    /**
     * A decimal number the way Go's {@code strconv.ParseInt(s, 10, 64)} reads it (an optional sign
     * and ASCII digits, no spaces), or 0 when it does not parse: Long.parseLong alone would also
     * take non-ASCII digits.
     */
    private static long parseLong(String text) {
        int start = !text.isEmpty() && (text.charAt(0) == '+' || text.charAt(0) == '-') ? 1 : 0;
        if (start == text.length()) {
            return 0;
        }
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return 0;
            }
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException outOfRange) {
            return 0;
        }
    }
}
