package dev.loggregator.trafficcontroller.support;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.dropsonde.events.MetricFactory.ContainerMetric;
import org.cloudfoundry.dropsonde.events.MetricFactory.ValueMetric;

/** Dropsonde v1 envelopes for tests, as an agent would send them. */
public final class Envelopes {
    private Envelopes() {
    }

    public static byte[] log(String appId, String text) {
        return log(appId, text, System.currentTimeMillis() * 1_000_000L);
    }

    public static byte[] log(String appId, String text, long timestampNanos) {
        return Envelope.newBuilder().setOrigin("test").setEventType(EventType.LogMessage).setTimestamp(timestampNanos)
                .setLogMessage(LogMessage.newBuilder().setMessage(ByteString.copyFromUtf8(text))
                        .setMessageType(LogMessage.MessageType.OUT).setTimestamp(timestampNanos).setAppId(appId)
                        .setSourceType("APP/PROC/WEB").setSourceInstance("0"))
                .build().toByteArray();
    }

    public static byte[] containerMetric(String appId, int instance, double cpu, long timestampNanos) {
        return Envelope.newBuilder().setOrigin("test").setEventType(EventType.ContainerMetric).setTimestamp(timestampNanos)
                .setContainerMetric(ContainerMetric.newBuilder().setApplicationId(appId).setInstanceIndex(instance)
                        .setCpuPercentage(cpu).setMemoryBytes(1024).setDiskBytes(2048))
                .build().toByteArray();
    }

    public static byte[] valueMetric(String name, double value) {
        return Envelope.newBuilder().setOrigin("test").setEventType(EventType.ValueMetric)
                .setTimestamp(System.currentTimeMillis() * 1_000_000L)
                .setValueMetric(ValueMetric.newBuilder().setName(name).setValue(value).setUnit("count"))
                .build().toByteArray();
    }

    public static Envelope parse(byte[] bytes) {
        try {
            return Envelope.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("not an envelope", e);
        }
    }

    /** The text of a LogMessage envelope, or null for other types. */
    public static String text(byte[] bytes) {
        Envelope envelope = parse(bytes);
        return envelope.hasLogMessage() ? envelope.getLogMessage().getMessage().toStringUtf8() : null;
    }
}
