package dev.loggregator.wire.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import dev.loggregator.wire.uuid.V1Uuids;
import java.util.Map;
import org.cloudfoundry.dropsonde.events.ErrorFactory;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.cloudfoundry.dropsonde.events.HttpFactory;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.dropsonde.events.MetricFactory;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.GaugeValue;
import org.junit.jupiter.api.Test;

/** v1 to v2 as go-loggregator's {@code conversion/tov2.go} does it with preferred tags. */
class V1ToV2ConverterTest {
    private static Envelope.Builder header(EventType type) {
        return Envelope.newBuilder().setOrigin("rep").setEventType(type).setTimestamp(42)
                .setDeployment("cf").setJob("diego-cell").setIndex("idx").setIp("10.0.0.1")
                .putTags("custom", "value");
    }

    private static Map<String, String> headerTags(String v1Type) {
        return Map.of("origin", "rep", "deployment", "cf", "job", "diego-cell", "index", "idx", "ip", "10.0.0.1",
                "__v1_type", v1Type, "custom", "value");
    }

    @Test
    void logMessageTakesTheAppIdAndSourceInstance() {
        LoggregatorEnvelope.Envelope v2 = V1ToV2Converter.convert(header(EventType.LogMessage)
                .setLogMessage(LogMessage.newBuilder().setMessage(ByteString.copyFromUtf8("hi"))
                        .setMessageType(LogMessage.MessageType.ERR).setTimestamp(7).setAppId("app-guid")
                        .setSourceType("APP/PROC/WEB").setSourceInstance("2")).build());
        assertEquals(42, v2.getTimestamp());
        assertEquals("app-guid", v2.getSourceId());
        assertEquals("2", v2.getInstanceId());
        assertEquals(LoggregatorEnvelope.Log.Type.ERR, v2.getLog().getType());
        assertEquals("hi", v2.getLog().getPayload().toStringUtf8());
        java.util.HashMap<String, String> tags = new java.util.HashMap<>(headerTags("LogMessage"));
        tags.put("source_type", "APP/PROC/WEB");
        assertEquals(tags, v2.getTagsMap());
    }

    @Test
    void withoutAnAppIdTheSourceIdIsTheTagOrDeploymentSlashJob() {
        LoggregatorEnvelope.Envelope byJob = V1ToV2Converter.convert(header(EventType.ValueMetric)
                .setValueMetric(MetricFactory.ValueMetric.newBuilder().setName("m").setValue(1.5).setUnit("ms")).build());
        assertEquals("cf/diego-cell", byJob.getSourceId());
        assertEquals(Map.of("m", GaugeValue.newBuilder().setUnit("ms").setValue(1.5).build()), byJob.getGauge().getMetricsMap());
        LoggregatorEnvelope.Envelope byTag = V1ToV2Converter.convert(header(EventType.CounterEvent).putTags("source_id", "gorouter")
                .putTags("instance_id", "5")
                .setCounterEvent(MetricFactory.CounterEvent.newBuilder().setName("c").setDelta(1).setTotal(9)).build());
        assertEquals("gorouter", byTag.getSourceId());
        assertEquals("5", byTag.getInstanceId());
        assertEquals(headerTags("CounterEvent"), byTag.getTagsMap());
        assertEquals(9, byTag.getCounter().getTotal());
    }

    @Test
    void containerMetricIsAFiveMetricGauge() {
        LoggregatorEnvelope.Envelope v2 = V1ToV2Converter.convert(header(EventType.ContainerMetric)
                .setContainerMetric(MetricFactory.ContainerMetric.newBuilder().setApplicationId("app").setInstanceIndex(3)
                        .setCpuPercentage(12.5).setMemoryBytes(-1L).setDiskBytes(2).setMemoryBytesQuota(3).setDiskBytesQuota(4))
                .build());
        assertEquals("app", v2.getSourceId());
        assertEquals("3", v2.getInstanceId());
        Map<String, GaugeValue> metrics = v2.getGauge().getMetricsMap();
        assertEquals(12.5, metrics.get("cpu").getValue());
        assertEquals("percentage", metrics.get("cpu").getUnit());
        assertEquals(1.8446744073709552E19, metrics.get("memory").getValue()); // uint64 max, read unsigned
        assertEquals(4, metrics.get("disk_quota").getValue());
        assertEquals(5, metrics.size());
    }

    @Test
    void httpStartStopIsAnHttpTimerWithItsFieldsAsTags() {
        String app = "6b1c3a24-0d2f-4e6a-9a6e-2f1b0c9d8e71";
        LoggregatorEnvelope.Envelope v2 = V1ToV2Converter.convert(header(EventType.HttpStartStop)
                .setHttpStartStop(HttpFactory.HttpStartStop.newBuilder().setStartTimestamp(10).setStopTimestamp(20)
                        .setRequestId(V1Uuids.toV1("00000000-0000-0000-0000-000000000001"))
                        .setPeerType(HttpFactory.PeerType.Server).setMethod(HttpFactory.Method.PUT)
                        .setUri("/x").setRemoteAddress("1.2.3.4").setUserAgent("curl").setStatusCode(201)
                        .setContentLength(99).setApplicationId(V1Uuids.toV1(app)).setInstanceIndex(1)
                        .setInstanceId("iid").addForwarded("a").addForwarded("b")).build());
        assertEquals(app, v2.getSourceId());
        assertEquals("1", v2.getInstanceId());
        assertEquals("http", v2.getTimer().getName());
        assertEquals(10, v2.getTimer().getStart());
        assertEquals(20, v2.getTimer().getStop());
        Map<String, String> tags = v2.getTagsMap();
        assertEquals("00000000-0000-0000-0000-000000000001", tags.get("request_id"));
        assertEquals("Server", tags.get("peer_type"));
        assertEquals("PUT", tags.get("method"));
        assertEquals("201", tags.get("status_code"));
        assertEquals("99", tags.get("content_length"));
        assertEquals("iid", tags.get("routing_instance_id"));
        assertEquals("a\nb", tags.get("forwarded"));
    }

    @Test
    void errorIsAnOutLogWithSourceAndCodeTags() {
        LoggregatorEnvelope.Envelope v2 = V1ToV2Converter.convert(header(EventType.Error)
                .setError(ErrorFactory.Error.newBuilder().setSource("src").setCode(-3).setMessage("boom")).build());
        assertEquals(LoggregatorEnvelope.Log.Type.OUT, v2.getLog().getType());
        assertEquals("boom", v2.getLog().getPayload().toStringUtf8());
        assertEquals("src", v2.getTagsMap().get("source"));
        assertEquals("-3", v2.getTagsMap().get("code"));
        assertEquals("Error", v2.getTagsMap().get("__v1_type"));
    }
}
