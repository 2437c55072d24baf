package dev.loggregator.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.loggregator.wire.routing.EnvelopeRouting;
import dev.loggregator.wire.uuid.V1Uuids;
import dev.loggregator.wire.v2.V2ToV1Converter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.cloudfoundry.dropsonde.events.HttpFactory;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.dropsonde.events.MetricFactory;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.GaugeValue;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Value;
import org.junit.jupiter.api.Test;

/** One test per case of shared/spec/ingress-v2.md "v2 -> v1 conversion". */
class V2ToV1ConverterTest {
    static final String APP = "f47ac10b-58cc-4372-a567-0e02b2c3d479";
    static final String REQUEST = "00000000-0000-0000-0000-000000000001";

    static LoggregatorEnvelope.Envelope.Builder v2() {
        return LoggregatorEnvelope.Envelope.newBuilder().setTimestamp(1_700_000_000_000_000_000L);
    }

    static LoggregatorEnvelope.Envelope.Builder log(String payload, LoggregatorEnvelope.Log.Type type) {
        return v2().setLog(LoggregatorEnvelope.Log.newBuilder().setPayload(ByteString.copyFromUtf8(payload)).setType(type));
    }

    static Envelope single(LoggregatorEnvelope.Envelope.Builder v2) {
        List<Envelope> converted = V2ToV1Converter.convert(v2.build());
        assertEquals(1, converted.size(), () -> "one v1 envelope expected: " + converted);
        Envelope envelope = converted.get(0);
        assertWireValid(envelope);
        return envelope;
    }

    /** Every converted envelope is complete, survives a byte round trip and routes like its parsed form. */
    static void assertWireValid(Envelope envelope) {
        assertTrue(envelope.isInitialized(), () -> "missing required fields: " + envelope);
        byte[] bytes = envelope.toByteArray();
        assertEquals(envelope.getEventType(), EnvelopeRouting.read(bytes).eventType());
        for (String boshField : List.of("origin", "deployment", "job", "index", "ip", "__v1_type")) {
            assertFalse(envelope.getTagsMap().containsKey(boshField), () -> boshField + " left in tags: " + envelope.getTagsMap());
        }
        assertTrue(envelope.hasDeployment() && envelope.hasJob() && envelope.hasIndex() && envelope.hasIp());
        assertTrue(envelope.hasTimestamp());
    }

    static GaugeValue gauge(String unit, double value) {
        return GaugeValue.newBuilder().setUnit(unit).setValue(value).build();
    }

    // --- log ---

    @Test
    void logOutAndErrShiftTheEnum() {
        Envelope out = single(log("out line", LoggregatorEnvelope.Log.Type.OUT).setSourceId(APP));
        Envelope err = single(log("err line", LoggregatorEnvelope.Log.Type.ERR).setSourceId(APP));
        assertEquals(EventType.LogMessage, out.getEventType());
        assertEquals(LogMessage.MessageType.OUT, out.getLogMessage().getMessageType());
        assertEquals(LogMessage.MessageType.ERR, err.getLogMessage().getMessageType());
        assertEquals(ByteString.copyFromUtf8("err line"), err.getLogMessage().getMessage());
        // a v2 type value from a newer proto (proto3 enums are open) is not silently OUT
        Envelope unknown = single(v2().setLog(LoggregatorEnvelope.Log.newBuilder().setTypeValue(7)));
        assertEquals(LogMessage.MessageType.ERR, unknown.getLogMessage().getMessageType());
    }

    @Test
    void logCarriesAppSourceTypeAndInstanceAndDropsTheSourceTypeTag() {
        Envelope envelope = single(log("hello\nworld", LoggregatorEnvelope.Log.Type.OUT)
                .setSourceId(APP).setInstanceId("3")
                .putTags("source_type", "APP/PROC/WEB").putTags("origin", "rep").putTags("extra", "x"));
        LogMessage log = envelope.getLogMessage();
        assertEquals(ByteString.copyFromUtf8("hello\nworld"), log.getMessage());
        assertEquals(APP, log.getAppId());
        assertEquals("APP/PROC/WEB", log.getSourceType());
        assertEquals("3", log.getSourceInstance());
        assertEquals(1_700_000_000_000_000_000L, log.getTimestamp());
        assertEquals(1_700_000_000_000_000_000L, envelope.getTimestamp());
        assertEquals("rep", envelope.getOrigin());
        assertEquals(Map.of("extra", "x", "source_id", APP), envelope.getTagsMap());
        assertEquals(APP, EnvelopeRouting.read(envelope.toByteArray()).appId());
    }

    @Test
    void convertedLogBytesMatchTheHandDerivedModernForm() {
        byte[] golden = GoldenBytesTest.bytes(
                0x0A, 3, "rep",                  // 1 origin (from the tag)
                0x10, 5,                         // 2 eventType = LogMessage
                0x30, 0xAC, 0x02,                // 6 timestamp = 300
                0x42, 22,                        // 8 logMessage, 22 bytes:
                0x0A, 2, "hi",                   //   1 message
                0x10, 1,                         //   2 OUT
                0x18, 0xAC, 0x02,                //   3 timestamp = 300
                0x22, 3, "app",                  //   4 app_id = source_id
                0x2A, 3, "APP",                  //   5 source_type (from the tag)
                0x32, 1, "1",                    //   6 source_instance = instance_id
                0x6A, 0, 0x72, 0, 0x7A, 0,       // 13-15 deployment, job, index: present, empty
                0x82, 0x01, 0,                   // 16 ip: present, empty
                0x8A, 0x01, 16,                  // 17 tags entry, 16 bytes:
                0x0A, 9, "source_id", 0x12, 3, "app");
        Envelope envelope = single(v2().setTimestamp(300).setSourceId("app").setInstanceId("1")
                .putTags("origin", "rep").putTags("source_type", "APP")
                .setLog(LoggregatorEnvelope.Log.newBuilder().setPayload(ByteString.copyFromUtf8("hi"))));
        assertEquals(FuzzTest.hex(golden), FuzzTest.hex(envelope.toByteArray()));
    }

    @Test
    void logWithoutSourceIdOrTagsStillHasEveryField() {
        Envelope envelope = single(log("x", LoggregatorEnvelope.Log.Type.OUT));
        LogMessage log = envelope.getLogMessage();
        assertTrue(log.hasAppId() && log.hasSourceType() && log.hasSourceInstance());
        assertEquals("", log.getAppId());
        assertEquals("", envelope.getOrigin());
        assertEquals(Map.of(), envelope.getTagsMap(), "no source_id tag for an empty source_id");
        assertEquals(EnvelopeRouting.SYSTEM, EnvelopeRouting.read(envelope.toByteArray()).appId());
    }

    // --- __v1_type = Error ---

    @Test
    void errorIsRecoveredFromALogTaggedV1TypeError() {
        Envelope envelope = single(log("upstream failed", LoggregatorEnvelope.Log.Type.ERR)
                .setSourceId("doppler")
                .putTags("__v1_type", "Error").putTags("source", "api").putTags("code", "-42")
                .putTags("origin", "cc").putTags("keep", "me"));
        assertEquals(EventType.Error, envelope.getEventType());
        assertFalse(envelope.hasLogMessage());
        assertEquals("api", envelope.getError().getSource());
        assertEquals(-42, envelope.getError().getCode());
        assertEquals("upstream failed", envelope.getError().getMessage());
        assertEquals("cc", envelope.getOrigin());
        // source and code became fields, so (like source_type of a log) they leave the tags
        assertEquals(Map.of("keep", "me", "source_id", "doppler"), envelope.getTagsMap());
    }

    @Test
    void errorCodeThatIsNotANumberIsZero() {
        for (String code : List.of("", "abc", "4x", " 42", "42 ", "4.2", "99999999999", "\u0664\u0662")) {
            Envelope envelope = single(log("m", LoggregatorEnvelope.Log.Type.OUT)
                    .putTags("__v1_type", "Error").putTags("code", code));
            assertEquals(0, envelope.getError().getCode(), () -> "code \"" + code + "\"");
            assertEquals("", envelope.getError().getSource());
        }
        Envelope plus = single(log("m", LoggregatorEnvelope.Log.Type.OUT).putTags("__v1_type", "Error").putTags("code", "+7"));
        assertEquals(7, plus.getError().getCode());
    }

    @Test
    void errorTypeAndCodeMayComeFromDeprecatedTags() {
        Envelope envelope = single(log("m", LoggregatorEnvelope.Log.Type.OUT)
                .putDeprecatedTags("__v1_type", Value.newBuilder().setText("Error").build())
                .putDeprecatedTags("code", Value.newBuilder().setInteger(500).build()));
        assertEquals(EventType.Error, envelope.getEventType());
        assertEquals(500, envelope.getError().getCode());
        assertFalse(envelope.getTagsMap().containsKey("code"));
    }

    @Test
    void otherV1TypeValuesStayLogs() {
        Envelope envelope = single(log("m", LoggregatorEnvelope.Log.Type.OUT).putTags("__v1_type", "error"));
        assertEquals(EventType.LogMessage, envelope.getEventType());
    }

    // --- counter ---

    @Test
    void counterWithInstanceIdTag() {
        Envelope envelope = single(v2().setSourceId("gorouter").setInstanceId("7").putTags("job", "router")
                .setCounter(LoggregatorEnvelope.Counter.newBuilder().setName("requests").setDelta(5).setTotal(300)));
        assertEquals(EventType.CounterEvent, envelope.getEventType());
        MetricFactory.CounterEvent counter = envelope.getCounterEvent();
        assertEquals("requests", counter.getName());
        assertEquals(5, counter.getDelta());
        assertEquals(300, counter.getTotal());
        assertEquals("router", envelope.getJob());
        assertEquals(Map.of("instance_id", "7", "source_id", "gorouter"), envelope.getTagsMap());
    }

    @Test
    void counterWithoutInstanceIdHasNoInstanceIdTag() {
        Envelope envelope = single(v2().setCounter(LoggregatorEnvelope.Counter.newBuilder().setName("n").setDelta(1)));
        assertEquals(Map.of(), envelope.getTagsMap());
        assertTrue(envelope.getCounterEvent().hasTotal());
    }

    // --- gauge ---

    static LoggregatorEnvelope.Envelope.Builder containerGauge() {
        return v2().setSourceId(APP).setGauge(LoggregatorEnvelope.Gauge.newBuilder()
                .putMetrics("cpu", gauge("percentage", 12.5))
                .putMetrics("memory", gauge("bytes", 1024))
                .putMetrics("disk", gauge("bytes", 2048))
                .putMetrics("memory_quota", gauge("bytes", 4096))
                .putMetrics("disk_quota", gauge("bytes", 8192)));
    }

    @Test
    void containerGaugeWithInstanceIndexMetric() {
        LoggregatorEnvelope.Envelope.Builder v2 = containerGauge().setInstanceId("9");
        v2.getGaugeBuilder().putMetrics("instance_index", gauge("index", 2));
        Envelope envelope = single(v2.putTags("origin", "rep"));
        assertEquals(EventType.ContainerMetric, envelope.getEventType());
        MetricFactory.ContainerMetric metric = envelope.getContainerMetric();
        assertEquals(APP, metric.getApplicationId());
        assertEquals(2, metric.getInstanceIndex(), "instance_index metric wins over instance_id");
        assertEquals(12.5, metric.getCpuPercentage());
        assertEquals(1024, metric.getMemoryBytes());
        assertEquals(2048, metric.getDiskBytes());
        assertEquals(4096, metric.getMemoryBytesQuota());
        assertEquals(8192, metric.getDiskBytesQuota());
        assertEquals("rep", envelope.getOrigin());
        assertEquals(Map.of("source_id", APP), envelope.getTagsMap());
        assertEquals(APP, EnvelopeRouting.read(envelope.toByteArray()).appId());
    }

    @Test
    void containerGaugeFallsBackToInstanceIdThenZero() {
        assertEquals(4, single(containerGauge().setInstanceId("4")).getContainerMetric().getInstanceIndex());
        assertEquals(0, single(containerGauge().setInstanceId("not-a-number")).getContainerMetric().getInstanceIndex());
        assertEquals(0, single(containerGauge()).getContainerMetric().getInstanceIndex());
    }

    @Test
    void gaugeMissingAContainerMetricBecomesOneValueMetricPerEntry() {
        LoggregatorEnvelope.Envelope.Builder v2 = containerGauge().setInstanceId("1").putTags("origin", "rep");
        v2.getGaugeBuilder().removeMetrics("disk_quota");
        List<Envelope> converted = V2ToV1Converter.convert(v2.build());
        assertEquals(4, converted.size());
        Map<String, Envelope> byName = converted.stream()
                .collect(Collectors.toMap(e -> e.getValueMetric().getName(), e -> e));
        assertEquals(Set.of("cpu", "memory", "disk", "memory_quota"), byName.keySet());
        for (Envelope envelope : converted) {
            assertWireValid(envelope);
            assertEquals(EventType.ValueMetric, envelope.getEventType());
            assertEquals("rep", envelope.getOrigin());
            assertEquals(Map.of("instance_id", "1", "source_id", APP), envelope.getTagsMap());
        }
        assertEquals(12.5, byName.get("cpu").getValueMetric().getValue());
        assertEquals("percentage", byName.get("cpu").getValueMetric().getUnit());
        assertEquals(4096, byName.get("memory_quota").getValueMetric().getValue());
    }

    @Test
    void containerGaugeWithAnEmptyEntryIsNotAContainerMetric() {
        // "all of cpu, memory, disk, memory_quota, disk_quota present (and not all-empty)":
        // an entry with neither unit nor value does not count.
        LoggregatorEnvelope.Envelope.Builder v2 = containerGauge();
        v2.getGaugeBuilder().putMetrics("disk_quota", gauge("", 0));
        List<Envelope> converted = V2ToV1Converter.convert(v2.build());
        assertEquals(5, converted.size());
        assertTrue(converted.stream().allMatch(e -> e.getEventType() == EventType.ValueMetric));
        // a zero with a unit is a real measurement (e.g. an idle container's cpu)
        LoggregatorEnvelope.Envelope.Builder idle = containerGauge();
        idle.getGaugeBuilder().putMetrics("cpu", gauge("percentage", 0));
        assertEquals(EventType.ContainerMetric, single(idle).getEventType());
    }

    @Test
    void singleMetricGaugeIsAValueMetricWithoutInstanceIdTagWhenEmpty() {
        Envelope envelope = single(v2().setSourceId("doppler").setGauge(LoggregatorEnvelope.Gauge.newBuilder()
                .putMetrics("uptime", gauge("seconds", 61))));
        assertEquals(EventType.ValueMetric, envelope.getEventType());
        assertEquals(MetricFactory.ValueMetric.newBuilder().setName("uptime").setUnit("seconds").setValue(61).build(),
                envelope.getValueMetric());
        assertEquals(Map.of("source_id", "doppler"), envelope.getTagsMap());
        assertEquals(EnvelopeRouting.SYSTEM, EnvelopeRouting.read(envelope.toByteArray()).appId());
    }

    // --- timer ---

    static LoggregatorEnvelope.Envelope.Builder timer() {
        return v2().setSourceId(APP).setInstanceId("2")
                .setTimer(LoggregatorEnvelope.Timer.newBuilder().setName("http").setStart(1_000).setStop(2_000))
                .putTags("request_id", REQUEST)
                .putTags("peer_type", "Server")
                .putTags("method", "PATCH")
                .putTags("uri", "https://app.example.com/x?y=1")
                .putTags("remote_address", "10.0.0.1:5000")
                .putTags("user_agent", "curl/8.0")
                .putTags("status_code", "404")
                .putTags("content_length", "12345678901")
                .putTags("routing_instance_id", "instance-guid")
                .putTags("forwarded", "1.1.1.1\n2.2.2.2")
                .putTags("origin", "gorouter")
                .putTags("other", "kept");
    }

    @Test
    void timerBecomesHttpStartStop() {
        Envelope envelope = single(timer());
        assertEquals(EventType.HttpStartStop, envelope.getEventType());
        HttpFactory.HttpStartStop http = envelope.getHttpStartStop();
        assertEquals(1_000, http.getStartTimestamp());
        assertEquals(2_000, http.getStopTimestamp());
        assertEquals(REQUEST, V1Uuids.format(http.getRequestId()));
        assertEquals(APP, V1Uuids.format(http.getApplicationId()));
        assertEquals(HttpFactory.PeerType.Server, http.getPeerType());
        assertEquals(HttpFactory.Method.PATCH, http.getMethod());
        assertEquals("https://app.example.com/x?y=1", http.getUri());
        assertEquals("10.0.0.1:5000", http.getRemoteAddress());
        assertEquals("curl/8.0", http.getUserAgent());
        assertEquals(404, http.getStatusCode());
        assertEquals(12_345_678_901L, http.getContentLength());
        assertEquals(2, http.getInstanceIndex());
        assertEquals("instance-guid", http.getInstanceId());
        assertEquals(List.of("1.1.1.1", "2.2.2.2"), http.getForwardedList());
        assertEquals("gorouter", envelope.getOrigin());
        assertEquals(Map.of("other", "kept", "source_id", APP), envelope.getTagsMap(), "mapped tags are removed");
        assertEquals(APP, EnvelopeRouting.read(envelope.toByteArray()).appId());
    }

    @Test
    void timerNumbersThatDoNotParseAreZero() {
        Envelope envelope = single(timer().putTags("status_code", "OK").putTags("content_length", "-").setInstanceId("x"));
        HttpFactory.HttpStartStop http = envelope.getHttpStartStop();
        assertEquals(0, http.getStatusCode());
        assertEquals(0, http.getContentLength());
        assertEquals(0, http.getInstanceIndex());
        Envelope bare = single(v2().setTimer(LoggregatorEnvelope.Timer.newBuilder().setStart(1).setStop(2)));
        assertEquals(0, bare.getHttpStartStop().getStatusCode());
        assertEquals(0, bare.getHttpStartStop().getContentLength());
    }

    @Test
    void timerWithoutUsableIdsOrEnumNamesStaysEncodable() {
        // Not covered by the spec: a missing/invalid request_id becomes the zero UUID (the field is
        // required), unknown enum names fall back to Client/GET, and a source_id that is not a UUID
        // leaves applicationId unset, so the envelope routes to "system".
        Envelope envelope = single(timer().setSourceId("gorouter").putTags("request_id", "nope")
                .putTags("peer_type", "server").putTags("method", "FETCH").removeTags("forwarded"));
        HttpFactory.HttpStartStop http = envelope.getHttpStartStop();
        assertEquals("00000000-0000-0000-0000-000000000000", V1Uuids.format(http.getRequestId()));
        assertFalse(http.hasApplicationId());
        assertEquals(HttpFactory.PeerType.Client, http.getPeerType());
        assertEquals(HttpFactory.Method.GET, http.getMethod());
        assertEquals(List.of(), http.getForwardedList());
        assertEquals(EnvelopeRouting.SYSTEM, EnvelopeRouting.read(envelope.toByteArray()).appId());
    }

    @Test
    void timerApplicationIdNeedsTheCanonicalUuidForm() {
        // java.util.UUID.fromString accepts "1-2-3-4-5"; the app id must not be invented from it.
        Envelope envelope = single(timer().setSourceId("1-2-3-4-5"));
        assertFalse(envelope.getHttpStartStop().hasApplicationId());
        assertEquals("1-2-3-4-5", envelope.getTagsMap().get("source_id"));
    }

    @Test
    void timerMethodsByEnumName() {
        for (HttpFactory.Method method : HttpFactory.Method.values()) {
            Envelope envelope = single(timer().putTags("method", method.name()));
            assertEquals(method, envelope.getHttpStartStop().getMethod());
        }
        assertEquals(HttpFactory.PeerType.Client, single(timer().putTags("peer_type", "Client")).getHttpStartStop().getPeerType());
    }

    // --- event ---

    @Test
    void eventsAreDropped() {
        assertEquals(List.of(), V2ToV1Converter.convert(v2().setSourceId(APP)
                .setEvent(LoggregatorEnvelope.Event.newBuilder().setTitle("t").setBody("b")).build()));
        assertEquals(List.of(), V2ToV1Converter.convert(v2().setSourceId(APP).build()), "no message at all");
    }

    // --- tags ---

    @Test
    void deprecatedTagsAreRenderedAsText() {
        Envelope envelope = single(v2().setCounter(LoggregatorEnvelope.Counter.newBuilder().setName("n"))
                .putDeprecatedTags("text", Value.newBuilder().setText("plain").build())
                .putDeprecatedTags("integer", Value.newBuilder().setInteger(-42).build())
                .putDeprecatedTags("big", Value.newBuilder().setInteger(Long.MIN_VALUE).build())
                .putDeprecatedTags("decimal", Value.newBuilder().setDecimal(1.5).build())
                .putDeprecatedTags("third", Value.newBuilder().setDecimal(1.0 / 3).build())
                .putDeprecatedTags("negative", Value.newBuilder().setDecimal(-2.25).build())
                .putDeprecatedTags("large", Value.newBuilder().setDecimal(1e20).build()));
        assertEquals(new TreeMap<>(Map.of(
                "text", "plain",
                "integer", "-42",
                "big", "-9223372036854775808",
                "decimal", "1.500000",
                "third", "0.333333",
                "negative", "-2.250000",
                "large", "100000000000000000000.000000")), new TreeMap<>(envelope.getTagsMap()));
    }

    @Test
    void decimalsRoundLikeGosPercentF() {
        // Go's %f rounds the exact binary value, ties to even; String.format rounds half up.
        // 0.0078125 = 1/128 is an exact tie at the sixth digit; 0.0000005 is just below one.
        Map<String, String> expected = Map.of(
                "tie", "0.007812",
                "belowTie", "0.000000",
                "minusZero", "-0.000000",
                "inf", "+Inf",
                "minusInf", "-Inf",
                "nan", "NaN");
        Envelope envelope = single(v2().setCounter(LoggregatorEnvelope.Counter.newBuilder().setName("n"))
                .putDeprecatedTags("tie", Value.newBuilder().setDecimal(0.0078125).build())
                .putDeprecatedTags("belowTie", Value.newBuilder().setDecimal(0.0000005).build())
                .putDeprecatedTags("minusZero", Value.newBuilder().setDecimal(-0.0).build())
                .putDeprecatedTags("inf", Value.newBuilder().setDecimal(Double.POSITIVE_INFINITY).build())
                .putDeprecatedTags("minusInf", Value.newBuilder().setDecimal(Double.NEGATIVE_INFINITY).build())
                .putDeprecatedTags("nan", Value.newBuilder().setDecimal(Double.NaN).build()));
        assertEquals(new TreeMap<>(expected), new TreeMap<>(envelope.getTagsMap()));
    }

    @Test
    void deprecatedTagWithoutDataIsLeftOut() {
        Envelope envelope = single(v2().setCounter(LoggregatorEnvelope.Counter.newBuilder().setName("n"))
                .putDeprecatedTags("unset", Value.getDefaultInstance()));
        assertEquals(Map.of(), envelope.getTagsMap());
    }

    @Test
    void tagsWinOverDeprecatedTags() {
        Envelope envelope = single(log("m", LoggregatorEnvelope.Log.Type.OUT)
                .putDeprecatedTags("zone", Value.newBuilder().setText("old").build())
                .putTags("zone", "new")
                .putDeprecatedTags("origin", Value.newBuilder().setText("old-origin").build())
                .putTags("origin", "new-origin")
                .putDeprecatedTags("source_type", Value.newBuilder().setText("OLD").build())
                .putTags("source_type", "NEW"));
        assertEquals("new", envelope.getTagsMap().get("zone"));
        assertEquals("new-origin", envelope.getOrigin());
        assertEquals("NEW", envelope.getLogMessage().getSourceType());
    }

    @Test
    void boshMetadataComesFromEitherTagMapAndNeverStaysInTags() {
        Envelope envelope = single(log("m", LoggregatorEnvelope.Log.Type.OUT)
                .putTags("origin", "rep").putTags("deployment", "cf")
                .putDeprecatedTags("job", Value.newBuilder().setText("diego-cell").build())
                .putDeprecatedTags("index", Value.newBuilder().setInteger(3).build())
                .putTags("ip", "10.0.0.9"));
        assertEquals("rep", envelope.getOrigin());
        assertEquals("cf", envelope.getDeployment());
        assertEquals("diego-cell", envelope.getJob());
        assertEquals("3", envelope.getIndex());
        assertEquals("10.0.0.9", envelope.getIp());
        assertEquals(Map.of(), envelope.getTagsMap());
    }

    @Test
    void absentBoshMetadataIsPresentAsEmptyStrings() {
        for (LoggregatorEnvelope.Envelope.Builder v2 : List.of(
                log("m", LoggregatorEnvelope.Log.Type.OUT),
                log("m", LoggregatorEnvelope.Log.Type.OUT).putTags("__v1_type", "Error"),
                v2().setCounter(LoggregatorEnvelope.Counter.newBuilder().setName("n")),
                containerGauge(),
                v2().setGauge(LoggregatorEnvelope.Gauge.newBuilder().putMetrics("a", gauge("u", 1)).putMetrics("b", gauge("u", 2))),
                timer())) {
            for (Envelope envelope : V2ToV1Converter.convert(v2.build())) {
                assertWireValid(envelope);
                assertEquals("", envelope.getDeployment());
                assertEquals("", envelope.getJob());
                assertEquals("", envelope.getIndex());
                assertEquals("", envelope.getIp());
            }
        }
    }

    @Test
    void sourceIdTagOverridesATagOfThatName() {
        Envelope envelope = single(log("m", LoggregatorEnvelope.Log.Type.OUT).setSourceId(APP).putTags("source_id", "other"));
        assertEquals(APP, envelope.getTagsMap().get("source_id"));
        Envelope keep = single(log("m", LoggregatorEnvelope.Log.Type.OUT).putTags("source_id", "other"));
        assertEquals("other", keep.getTagsMap().get("source_id"), "an empty source_id adds nothing");
    }
}
