package dev.loggregator.doppler.ratelimit;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.loggregator.doppler.routing.RoutedEnvelope;
import dev.loggregator.wire.v2.V2ToV1Converter;
import org.cloudfoundry.dropsonde.events.EventFactory;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;

/**
 * What a Cloud Foundry cell reports for each app instance every metrics interval (diego-logging-client's
 * {@code SendAppLogRate}): one v2 gauge from the instance with {@code log_rate} (bytes per second of its
 * log output that passed its limit) and {@code log_rate_limit} (the limit), both in {@code B/s}, with the
 * instance's tags; {@code cf app} reads them through Log Cache. Made from the instance's last log, so it
 * carries that log's source id, instance id and tags (without its {@code source_type}: a gauge has none).
 */
final class LogRateGauge {
    private static final String UNIT = "B/s";

    private LogRateGauge() {
    }

    /** The gauge for the instance that wrote {@code lastLog}; {@code nowNanos} is wall-clock Unix time. */
    static RoutedEnvelope of(RoutedEnvelope lastLog, double bytesPerSecond, long limit, long nowNanos) {
        LoggregatorEnvelope.Envelope.Builder gauge = LoggregatorEnvelope.Envelope.newBuilder().setTimestamp(nowNanos);
        if (lastLog.arrivedAsV2()) {
            LoggregatorEnvelope.Envelope log = lastLog.v2();
            gauge.setSourceId(log.getSourceId()).setInstanceId(log.getInstanceId()).putAllTags(log.getTagsMap());
        } else {
            EventFactory.Envelope log = parse(lastLog.v1Bytes());
            gauge.setSourceId(lastLog.appId()).setInstanceId(log.getLogMessage().getSourceInstance())
                    .putAllTags(log.getTagsMap());
        }
        gauge.removeTags("source_type");
        gauge.setGauge(LoggregatorEnvelope.Gauge.newBuilder()
                .putMetrics("log_rate", LoggregatorEnvelope.GaugeValue.newBuilder().setUnit(UNIT).setValue(bytesPerSecond).build())
                .putMetrics("log_rate_limit", LoggregatorEnvelope.GaugeValue.newBuilder().setUnit(UNIT).setValue(limit).build()));
        LoggregatorEnvelope.Envelope envelope = gauge.build();
        byte[][] v1 = V2ToV1Converter.convert(envelope).stream().map(EventFactory.Envelope::toByteArray).toArray(byte[][]::new);
        return RoutedEnvelope.fromV2(envelope.toByteArray(), envelope, v1, lastLog.appId(), EventType.ValueMetric);
    }

    private static EventFactory.Envelope parse(byte[] v1) {
        try {
            return EventFactory.Envelope.parseFrom(v1);
        } catch (InvalidProtocolBufferException e) {
            // validated at ingress (EnvelopeRouting): bytes that got this far parse
            throw new IllegalStateException("v1 envelope no longer parses", e);
        }
    }
}
