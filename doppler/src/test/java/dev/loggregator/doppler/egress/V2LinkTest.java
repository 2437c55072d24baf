package dev.loggregator.doppler.egress;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.loggregator.doppler.support.Envelopes;
import dev.loggregator.doppler.support.GrpcSender;
import dev.loggregator.doppler.support.RecordSubscriber;
import dev.loggregator.doppler.support.TcpSender;
import dev.loggregator.testsupport.DopplerNode;
import dev.loggregator.wire.v2.link.V2LinkQuery;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.CounterSelector;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.EgressBatchRequest;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.EventSelector;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.GaugeSelector;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.LogSelector;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.Selector;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.TimerSelector;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Counter;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Event;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Gauge;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.GaugeValue;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Timer;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Value;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Doppler's v2 links (docs/internal-protocol.md): what arrives as v2 leaves as it came, field for
 * field and byte for byte; what arrives as v1 leaves as tov2 converts it; selectors, shard ids and
 * the JSON record format as the v2 APIs need them.
 */
class V2LinkTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static DopplerNode doppler;
    private static GrpcSender grpc;

    @BeforeAll
    static void start() {
        doppler = DopplerNode.builder().name("v2-links").start();
        grpc = GrpcSender.plaintext(doppler.grpcPort());
    }

    @AfterAll
    static void stop() {
        grpc.close();
        doppler.close();
    }

    private static Selector.Builder every(String sourceId) {
        return Selector.newBuilder().setSourceId(sourceId);
    }

    private static EgressBatchRequest allTypes(String sourceId, String shard) {
        return EgressBatchRequest.newBuilder()
                .setShardId(shard)
                .setUsePreferredTags(true)
                .addSelectors(every(sourceId).setLog(LogSelector.getDefaultInstance()))
                .addSelectors(every(sourceId).setCounter(CounterSelector.getDefaultInstance()))
                .addSelectors(every(sourceId).setGauge(GaugeSelector.getDefaultInstance()))
                .addSelectors(every(sourceId).setTimer(TimerSelector.getDefaultInstance()))
                .addSelectors(every(sourceId).setEvent(EventSelector.getDefaultInstance()))
                .build();
    }

    private static RecordSubscriber link(EgressBatchRequest request, V2LinkQuery.Format format) {
        return RecordSubscriber.connect(doppler.wsUrl(V2LinkQuery.pathAndQuery(request, format)));
    }

    private static List<Envelope> parsed(RecordSubscriber link, String sourceId) {
        List<Envelope> out = new ArrayList<>();
        for (byte[] record : link.records()) {
            try {
                Envelope envelope = Envelope.parseFrom(record);
                if (envelope.getSourceId().equals(sourceId)) {
                    out.add(envelope);
                }
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError("not a v2 envelope", e);
            }
        }
        return out;
    }

    /** One envelope of every kind, with tags, several gauge metrics and uint64 values above 2^63. */
    private static List<Envelope> everyKind(String sourceId) {
        long now = System.currentTimeMillis() * 1_000_000L;
        Envelope.Builder base = Envelope.newBuilder().setSourceId(sourceId).setInstanceId("3")
                .putTags("source_type", "APP/PROC/WEB").putTags("app_name", "web \"quoted\"");
        return List.of(
                base.clone().setTimestamp(now).setLog(Log.newBuilder()
                        .setPayload(ByteString.copyFromUtf8("line\twith\u0001controls")).setType(Log.Type.ERR)).build(),
                base.clone().setTimestamp(now + 1).setCounter(Counter.newBuilder().setName("requests")
                        .setDelta(-1L).setTotal(Long.MIN_VALUE)).build(),
                base.clone().setTimestamp(now + 2).setGauge(Gauge.newBuilder()
                        .putMetrics("cpu", GaugeValue.newBuilder().setUnit("percentage").setValue(0.42).build())
                        .putMetrics("threads", GaugeValue.newBuilder().setUnit("count").setValue(17).build())).build(),
                base.clone().setTimestamp(now + 3).setTimer(Timer.newBuilder().setName("http").setStart(now - 5).setStop(now)).build(),
                base.clone().setTimestamp(now + 4).setEvent(Event.newBuilder().setTitle("deployed").setBody("v2")).build());
    }

    @Test
    void v2EnvelopesLeaveAsTheyCameFieldForFieldAndByteForByte() {
        String source = UUID.randomUUID().toString();
        RecordSubscriber link = link(allTypes(source, ""), V2LinkQuery.Format.PROTOBUF);
        List<Envelope> sent = everyKind(source);
        grpc.send(sent);
        await().atMost(WAIT).until(() -> parsed(link, source).size() == sent.size());
        assertEquals(sent, parsed(link, source));
        List<byte[]> records = link.records().stream().filter(r -> parsedSource(r).equals(source)).toList();
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i).toByteArray(), records.get(i));
        }
        link.close();
    }

    @Test
    void jsonRecordsAreStrictProtojsonOfTheSameEnvelopes() throws Exception {
        String source = UUID.randomUUID().toString();
        RecordSubscriber link = link(allTypes(source, ""), V2LinkQuery.Format.JSON);
        List<Envelope> sent = everyKind(source);
        grpc.send(sent);
        await().atMost(WAIT).until(() -> link.records().stream().filter(r -> json(r).contains(source)).count() == sent.size());
        List<Envelope> received = new ArrayList<>();
        for (byte[] record : link.records()) {
            String json = json(record);
            if (json.contains(source)) {
                assertTrue(json.startsWith("{\"timestamp\":\"") && !json.contains("\n"), json);
                Envelope.Builder envelope = Envelope.newBuilder();
                JsonFormat.parser().merge(json, envelope); // strict: an unknown field fails
                received.add(envelope.build());
            }
        }
        assertEquals(sent, received);
        link.close();
    }

    @Test
    void v1EnvelopesAreConvertedAsTov2Does() throws Exception {
        String app = UUID.randomUUID().toString();
        RecordSubscriber link = link(allTypes(app, ""), V2LinkQuery.Format.PROTOBUF);
        try (TcpSender tcp = TcpSender.connect(doppler.tcpPort())) {
            tcp.send(Envelopes.v1Log(app, "from v1")).flush();
        }
        await().atMost(WAIT).until(() -> parsed(link, app).size() == 1);
        Envelope v2 = parsed(link, app).get(0);
        assertEquals("from v1", v2.getLog().getPayload().toStringUtf8());
        assertEquals(Log.Type.OUT, v2.getLog().getType());
        assertEquals("LogMessage", v2.getTagsMap().get("__v1_type"));
        assertEquals("APP/PROC/WEB", v2.getTagsMap().get("source_type"));
        assertTrue(v2.getTagsMap().containsKey("origin") && v2.getTagsMap().containsKey("deployment"));
        assertEquals(0, v2.getDeprecatedTagsCount());
        link.close();
    }

    @Test
    void linksSharingAShardIdGetEachEnvelopeExactlyOnceAndOtherShardsGetEverything() {
        String source = UUID.randomUUID().toString();
        String shard = "shard-" + source;
        RecordSubscriber first = link(allTypes(source, shard), V2LinkQuery.Format.PROTOBUF);
        RecordSubscriber second = link(allTypes(source, shard), V2LinkQuery.Format.PROTOBUF);
        RecordSubscriber other = link(allTypes(source, "other-" + source), V2LinkQuery.Format.PROTOBUF);
        List<Envelope> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sent.add(Envelopes.v2Log(source, "line " + i));
        }
        grpc.send(sent);
        await().atMost(WAIT).until(() -> parsed(first, source).size() + parsed(second, source).size() == 200
                && parsed(other, source).size() == 200);
        Set<String> texts = new HashSet<>();
        parsed(first, source).forEach(e -> texts.add(e.getLog().getPayload().toStringUtf8()));
        parsed(second, source).forEach(e -> texts.add(e.getLog().getPayload().toStringUtf8()));
        assertEquals(200, texts.size());
        assertTrue(!parsed(first, source).isEmpty() && !parsed(second, source).isEmpty(), "both members take turns");
        first.close();
        second.close();
        other.close();
    }

    @Test
    void selectorsPickBySourceKindCounterNameAndGaugeMetrics() {
        String source = UUID.randomUUID().toString();
        EgressBatchRequest request = EgressBatchRequest.newBuilder()
                .setUsePreferredTags(true)
                .addSelectors(every(source).setCounter(CounterSelector.newBuilder().setName("wanted")))
                .addSelectors(every(source).setGauge(GaugeSelector.newBuilder().addNames("cpu").addNames("memory")))
                .build();
        RecordSubscriber link = link(request, V2LinkQuery.Format.PROTOBUF);
        Envelope.Builder base = Envelope.newBuilder().setSourceId(source).setTimestamp(1);
        grpc.send(List.of(
                base.clone().setCounter(Counter.newBuilder().setName("unwanted")).build(),
                base.clone().setCounter(Counter.newBuilder().setName("wanted").setTotal(1)).build(),
                base.clone().setGauge(Gauge.newBuilder().putMetrics("cpu", GaugeValue.getDefaultInstance())).build(),
                base.clone().setGauge(Gauge.newBuilder().putMetrics("cpu", GaugeValue.getDefaultInstance())
                        .putMetrics("memory", GaugeValue.getDefaultInstance())).build(),
                base.clone().setLog(Log.getDefaultInstance()).build(),
                base.clone().setSourceId("elsewhere").setCounter(Counter.newBuilder().setName("wanted")).build(),
                base.clone().setCounter(Counter.newBuilder().setName("wanted").setTotal(2)).build()));
        await().atMost(WAIT).until(() -> parsed(link, source).size() == 3);
        List<Envelope> received = parsed(link, source);
        assertEquals(1, received.get(0).getCounter().getTotal());
        assertEquals(2, received.get(1).getGauge().getMetricsCount());
        assertEquals(2, received.get(2).getCounter().getTotal());
        link.close();
    }

    @Test
    void withoutPreferredTagsEveryTagIsADeprecatedTextTag() {
        String source = UUID.randomUUID().toString();
        EgressBatchRequest request = allTypes(source, "").toBuilder().setUsePreferredTags(false).build();
        RecordSubscriber link = link(request, V2LinkQuery.Format.PROTOBUF);
        grpc.send(List.of(Envelopes.v2Log(source, "tagged")));
        await().atMost(WAIT).until(() -> parsed(link, source).size() == 1);
        Envelope received = parsed(link, source).get(0);
        assertEquals(0, received.getTagsCount());
        assertEquals(Value.newBuilder().setText("APP/PROC/WEB").build(), received.getDeprecatedTagsMap().get("source_type"));
        link.close();
    }

    @Test
    void aMalformedLinkRequestIsRefusedWith400() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + doppler.wsPort() + V2LinkQuery.PATH + "?format=json&request=%25%25"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode());
        HttpResponse<String> noSelectors = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + doppler.wsPort()
                                + V2LinkQuery.pathAndQuery(EgressBatchRequest.getDefaultInstance(), V2LinkQuery.Format.JSON)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, noSelectors.statusCode());
        assertTrue(noSelectors.body().contains("Selectors cannot be empty"), noSelectors.body());
    }

    private static String parsedSource(byte[] record) {
        try {
            return Envelope.parseFrom(record).getSourceId();
        } catch (InvalidProtocolBufferException e) {
            return "";
        }
    }

    private static String json(byte[] record) {
        return new String(record, StandardCharsets.UTF_8);
    }
}
