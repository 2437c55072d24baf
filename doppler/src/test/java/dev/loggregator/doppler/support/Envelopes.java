package dev.loggregator.doppler.support;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.dropsonde.events.MetricFactory.ContainerMetric;
import org.cloudfoundry.dropsonde.events.MetricFactory.ValueMetric;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;

/** Envelopes for tests, v1 and v2, identified by their text so receivers can check exactly what arrived. */
public final class Envelopes {
    private Envelopes() {
    }

    public static Envelope v1Log(String appId, String text) {
        return Envelope.newBuilder()
                .setOrigin("test")
                .setEventType(Envelope.EventType.LogMessage)
                .setTimestamp(System.currentTimeMillis() * 1_000_000L)
                .setLogMessage(LogMessage.newBuilder()
                        .setMessage(ByteString.copyFromUtf8(text))
                        .setMessageType(LogMessage.MessageType.OUT)
                        .setTimestamp(System.currentTimeMillis() * 1_000_000L)
                        .setAppId(appId)
                        .setSourceType("APP/PROC/WEB")
                        .setSourceInstance("0"))
                .build();
    }

    /** A LogMessage envelope without message_type and timestamp (both required in proto2). */
    public static byte[] v1LogMissingRequiredFields() {
        return Envelope.newBuilder()
                .setOrigin("test")
                .setEventType(Envelope.EventType.LogMessage)
                .setLogMessage(LogMessage.newBuilder().setMessage(ByteString.copyFromUtf8("no type, no time")).setAppId("app")
                        .buildPartial())
                .buildPartial()
                .toByteArray();
    }

    public static Envelope v1ValueMetric(String name, double value) {
        return Envelope.newBuilder()
                .setOrigin("test")
                .setEventType(Envelope.EventType.ValueMetric)
                .setTimestamp(System.currentTimeMillis() * 1_000_000L)
                .setValueMetric(ValueMetric.newBuilder().setName(name).setValue(value).setUnit("count"))
                .build();
    }

    public static Envelope v1ContainerMetric(String appId, int instance, double cpu, long timestampNanos) {
        return Envelope.newBuilder()
                .setOrigin("test")
                .setEventType(Envelope.EventType.ContainerMetric)
                .setTimestamp(timestampNanos)
                .setContainerMetric(ContainerMetric.newBuilder()
                        .setApplicationId(appId)
                        .setInstanceIndex(instance)
                        .setCpuPercentage(cpu)
                        .setMemoryBytes(1024)
                        .setDiskBytes(2048))
                .build();
    }

    public static LoggregatorEnvelope.Envelope v2Log(String sourceId, String text) {
        return LoggregatorEnvelope.Envelope.newBuilder()
                .setTimestamp(System.currentTimeMillis() * 1_000_000L)
                .setSourceId(sourceId)
                .setInstanceId("1")
                .putTags("source_type", "APP/PROC/WEB")
                .setLog(LoggregatorEnvelope.Log.newBuilder()
                        .setPayload(ByteString.copyFromUtf8(text))
                        .setType(LoggregatorEnvelope.Log.Type.OUT))
                .build();
    }

    public static LoggregatorEnvelope.Envelope v2Counter(String sourceId, String name, long delta) {
        return LoggregatorEnvelope.Envelope.newBuilder()
                .setTimestamp(System.currentTimeMillis() * 1_000_000L)
                .setSourceId(sourceId)
                .setCounter(LoggregatorEnvelope.Counter.newBuilder().setName(name).setDelta(delta))
                .build();
    }

    /** The text of a LogMessage envelope, or null for any other kind. */
    public static String text(Envelope envelope) {
        return envelope.hasLogMessage() ? envelope.getLogMessage().getMessage().toString(StandardCharsets.UTF_8) : null;
    }
}
