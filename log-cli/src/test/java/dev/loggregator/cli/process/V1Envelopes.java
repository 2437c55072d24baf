package dev.loggregator.cli.process;

import com.google.protobuf.ByteString;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.dropsonde.events.MetricFactory.ContainerMetric;
import org.cloudfoundry.dropsonde.events.MetricFactory.ValueMetric;

/** v1 envelopes as agents send them, with the timestamps a test needs. */
final class V1Envelopes {
    private V1Envelopes() {
    }

    static byte[] log(String app, String text, long timestampNanos, LogMessage.MessageType type) {
        return Envelope.newBuilder().setOrigin("test-agent").setEventType(Envelope.EventType.LogMessage)
                .setTimestamp(timestampNanos)
                .setLogMessage(LogMessage.newBuilder().setMessage(ByteString.copyFromUtf8(text)).setMessageType(type)
                        .setTimestamp(timestampNanos).setAppId(app).setSourceType("APP/PROC/WEB").setSourceInstance("0"))
                .build().toByteArray();
    }

    static byte[] containerMetric(String app, int instance, double cpu, long memory, long memoryQuota, long disk, long diskQuota) {
        return Envelope.newBuilder().setOrigin("rep").setEventType(Envelope.EventType.ContainerMetric)
                .setTimestamp(System.currentTimeMillis() * 1_000_000L)
                .setContainerMetric(ContainerMetric.newBuilder().setApplicationId(app).setInstanceIndex(instance)
                        .setCpuPercentage(cpu).setMemoryBytes(memory).setMemoryBytesQuota(memoryQuota)
                        .setDiskBytes(disk).setDiskBytesQuota(diskQuota))
                .build().toByteArray();
    }

    static byte[] valueMetric(String name, double value) {
        return Envelope.newBuilder().setOrigin("test-agent").setEventType(Envelope.EventType.ValueMetric)
                .setTimestamp(System.currentTimeMillis() * 1_000_000L)
                .setValueMetric(ValueMetric.newBuilder().setName(name).setValue(value).setUnit("count"))
                .build().toByteArray();
    }
}
