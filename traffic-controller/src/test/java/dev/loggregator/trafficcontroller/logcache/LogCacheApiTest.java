package dev.loggregator.trafficcontroller.logcache;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import dev.loggregator.trafficcontroller.support.Cluster;
import dev.loggregator.trafficcontroller.support.FakeCloudController;
import dev.loggregator.trafficcontroller.support.Tokens;
import dev.loggregator.trafficcontroller.support.V2Sender;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.cloudfoundry.logcache.v1.EgressGrpc;
import org.cloudfoundry.logcache.v1.LogCacheEgress.EnvelopeType;
import org.cloudfoundry.logcache.v1.LogCacheEgress.MetaRequest;
import org.cloudfoundry.logcache.v1.LogCacheEgress.MetaResponse;
import org.cloudfoundry.logcache.v1.LogCacheEgress.ReadRequest;
import org.cloudfoundry.logcache.v1.LogCacheEgress.ReadResponse;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Counter;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Gauge;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.GaugeValue;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Log Cache's read API against 2 Dopplers (each holding what was sent to it) and a Traffic Controller,
 * with real JWTs and a Cloud Controller speaking v3: every parameter and error, the exact request
 * sequences the cf CLI sends, meta, auth (every refusal a 404 with an empty body) and gRPC. Answers are
 * parsed with protobuf's strict JSON parser, as the cf CLI's protojson does.
 */
class LogCacheApiTest {
    private static final Tokens UAA = new Tokens();
    private static final String ADMIN = UAA.bearer(Duration.ofHours(1), "logs.admin");
    private static final String USER = UAA.bearer(Duration.ofHours(1), "openid");
    private static final String MINE = "a1b2c3d4-0000-4000-8000-000000000001";
    private static final String OTHER = "a1b2c3d4-0000-4000-8000-000000000002";
    /** The cf CLI's "no start time": Go's zero time.Time as UnixNano. */
    private static final long GO_ZERO_TIME = -6795364578871345152L;
    private static FakeCloudController cloudController;
    private static Cluster cluster;
    private static V2Sender[] senders;

    @BeforeAll
    static void start() throws IOException {
        Path pem = UAA.writePublicKeyPem(Files.createTempFile("jwt", ".pem"));
        cloudController = new FakeCloudController().answer(MINE, 200).answer(OTHER, 403);
        cluster = Cluster.start(2, 1, """
                auth:
                  jwt: {public_key_pem: %s}
                  cloud_controller: {url: "%s", cache_seconds: 1}
                """.formatted(pem, cloudController.url()));
        senders = new V2Sender[] {new V2Sender(cluster.dopplerGrpcPort(0)), new V2Sender(cluster.dopplerGrpcPort(1))};
    }

    @AfterAll
    static void stop() {
        if (senders != null) {
            for (V2Sender sender : senders) {
                sender.close();
            }
        }
        if (cluster != null) {
            cluster.close();
        }
        cloudController.close();
    }

    private static Envelope log(String source, long timestamp, String text) {
        return Envelope.newBuilder().setSourceId(source).setTimestamp(timestamp).setInstanceId("0")
                .putTags("source_type", "APP/PROC/WEB")
                .setLog(Log.newBuilder().setPayload(ByteString.copyFromUtf8(text))).build();
    }

    /** Sends {@code envelopes} alternately to both Dopplers, and waits until Log Cache holds them all. */
    private static void store(String source, List<Envelope> envelopes) {
        List<Envelope> first = new ArrayList<>();
        List<Envelope> second = new ArrayList<>();
        for (int i = 0; i < envelopes.size(); i++) {
            (i % 2 == 0 ? first : second).add(envelopes.get(i));
        }
        senders[0].send(first);
        senders[1].send(second);
        await().atMost(Duration.ofSeconds(30)).until(() -> read(source, "limit=1000&start_time=" + GO_ZERO_TIME, ADMIN)
                .getEnvelopes().getBatchCount() >= Math.min(1000, envelopes.size()));
    }

    private static HttpResponse<String> get(String pathAndQuery, String authorization) throws IOException {
        String url = cluster.http(0) + pathAndQuery;
        return authorization == null ? Cluster.get(url) : Cluster.get(url, "Authorization", authorization);
    }

    private static ReadResponse read(String source, String query, String authorization) throws IOException {
        HttpResponse<String> response = get("/api/v1/read/" + source + "?" + query, authorization);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(null));
        ReadResponse.Builder parsed = ReadResponse.newBuilder();
        JsonFormat.parser().merge(response.body(), parsed);
        return parsed.build();
    }

    private static List<Long> timestamps(ReadResponse response) {
        return response.getEnvelopes().getBatchList().stream().map(Envelope::getTimestamp).toList();
    }

    @Test
    void infoAnswersWithoutAuthAndAVersionTheCfCliAccepts() throws IOException {
        HttpResponse<String> info = get("/api/v1/info", null);
        assertEquals(200, info.statusCode());
        assertTrue(info.body().matches("\\{\"version\":\"[3-9]\\.\\d+\\.\\d+\",\"vm_uptime\":\"\\d+\"}\n"), info.body());
    }

    @Test
    void readsMergeBothDopplersInOrderWithEveryParameter() throws IOException {
        String source = UUID.randomUUID().toString();
        List<Envelope> envelopes = new ArrayList<>();
        for (int i = 1; i <= 300; i++) {
            envelopes.add(log(source, i * 10L, "line " + i));
        }
        envelopes.add(Envelope.newBuilder().setSourceId(source).setTimestamp(3005)
                .setCounter(Counter.newBuilder().setName("requests").setTotal(9)).build());
        envelopes.add(Envelope.newBuilder().setSourceId(source).setTimestamp(3006).setGauge(Gauge.newBuilder()
                .putMetrics("cpu", GaugeValue.newBuilder().setUnit("percentage").setValue(1).build())
                .putMetrics("memory", GaugeValue.newBuilder().setUnit("bytes").setValue(2).build())).build());
        store(source, envelopes);

        ReadResponse defaults = read(source, "start_time=0", ADMIN);
        assertEquals(100, defaults.getEnvelopes().getBatchCount(), "limit defaults to 100");
        assertEquals(10, timestamps(defaults).get(0));
        assertEquals(1000, timestamps(defaults).get(99));
        assertEquals(envelopes.get(0), defaults.getEnvelopes().getBatch(0), "what was sent, field for field");

        ReadResponse window = read(source, "start_time=100&end_time=150", ADMIN);
        assertEquals(List.of(100L, 110L, 120L, 130L, 140L), timestamps(window), "start inclusive, end exclusive");

        ReadResponse newest = read(source, "descending=true&limit=3&start_time=" + GO_ZERO_TIME, ADMIN);
        assertEquals(List.of(3006L, 3005L, 3000L), timestamps(newest));

        ReadResponse logsOnly = read(source, "descending=true&envelope_types=LOG&limit=2&start_time=" + GO_ZERO_TIME, ADMIN);
        assertEquals(List.of(3000L, 2990L), timestamps(logsOnly));
        ReadResponse metrics = read(source, "envelope_types=COUNTER&envelope_types=GAUGE&start_time=0", ADMIN);
        assertEquals(List.of(3005L, 3006L), timestamps(metrics));
        ReadResponse anyIgnored = read(source, "envelope_types=ANY&limit=1000&start_time=0", ADMIN);
        assertEquals(302, anyIgnored.getEnvelopes().getBatchCount());

        ReadResponse cpuOnly = read(source, "name_filter=%5Ecp&start_time=0", ADMIN);
        assertEquals(1, cpuOnly.getEnvelopes().getBatchCount());
        assertEquals(List.of("cpu"), List.copyOf(cpuOnly.getEnvelopes().getBatch(0).getGauge().getMetricsMap().keySet()));

        String empty = get("/api/v1/read/" + UUID.randomUUID() + "?start_time=0", ADMIN).body();
        assertEquals("{\"envelopes\":{\"batch\":[]}}", empty);
    }

    @Test
    void theCfCliRecentAndTailRequestSequencesSeeEveryLineInOrder() throws IOException {
        String app = UUID.randomUUID().toString();
        long base = System.currentTimeMillis() * 1_000_000L - 60_000_000_000L;
        List<Envelope> lines = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            lines.add(log(app, base + i * 1_000_000L, "line " + i));
        }
        store(app, lines);

        // cf logs --recent: one request, newest 1000 logs, which the CLI reverses.
        ReadResponse recent = read(app, "descending=true&envelope_types=LOG&limit=1000&start_time=" + GO_ZERO_TIME, ADMIN);
        assertEquals(1000, recent.getEnvelopes().getBatchCount());
        assertEquals("line 1499", recent.getEnvelopes().getBatch(0).getLog().getPayload().toStringUtf8());
        assertEquals("line 500", recent.getEnvelopes().getBatch(999).getLog().getPayload().toStringUtf8());

        // cf logs: a peek for the newest envelope of any type, then a walk on from the oldest.
        ReadResponse peek = read(app, "descending=true&limit=1&start_time=" + GO_ZERO_TIME, ADMIN);
        assertEquals(base + 1499 * 1_000_000L, peek.getEnvelopes().getBatch(0).getTimestamp());
        List<String> walked = new ArrayList<>();
        long start = base;
        while (true) {
            ReadResponse page = read(app, "envelope_types=LOG&start_time=" + start, ADMIN);
            if (page.getEnvelopes().getBatchCount() == 0) {
                break;
            }
            page.getEnvelopes().getBatchList().forEach(e -> walked.add(e.getLog().getPayload().toStringUtf8()));
            start = page.getEnvelopes().getBatch(page.getEnvelopes().getBatchCount() - 1).getTimestamp() + 1;
        }
        assertEquals(1500, walked.size());
        for (int i = 0; i < 1500; i++) {
            assertEquals("line " + i, walked.get(i));
        }
    }

    @Test
    void refusedReadsAnswerAsLogCacheDoes() throws IOException {
        HttpResponse<String> tooMany = get("/api/v1/read/x?limit=1001", ADMIN);
        assertEquals(500, tooMany.statusCode());
        assertEquals("{\"code\":2,\"message\":\"limit (1001) must be 1000 or less\",\"details\":[]}", tooMany.body());
        HttpResponse<String> negative = get("/api/v1/read/x?limit=-1", ADMIN);
        assertEquals(500, negative.statusCode());
        HttpResponse<String> backwards = get("/api/v1/read/x?start_time=10&end_time=5", ADMIN);
        assertEquals("{\"code\":2,\"message\":\"StartTime (10) must be before EndTime (5)\",\"details\":[]}", backwards.body());
        HttpResponse<String> notANumber = get("/api/v1/read/x?start_time=soon", ADMIN);
        assertEquals(400, notANumber.statusCode());
        assertTrue(notANumber.body().startsWith("{\"code\":3,\"message\":\"parsing field \\\"start_time\\\""), notANumber.body());
        HttpResponse<String> badRegex = get("/api/v1/read/x?name_filter=%5B", ADMIN);
        assertEquals(500, badRegex.statusCode());
    }

    @Test
    void everyAuthFailureIsA404WithAnEmptyBody() throws IOException {
        store(MINE, List.of(log(MINE, 1, "mine")));
        assertTrue(read(MINE, "start_time=0", USER).getEnvelopes().getBatchCount() > 0, "CC says the user sees the app");
        assertTrue(read(MINE, "start_time=0", "BEARER " + ADMIN.substring("bearer ".length()))
                .getEnvelopes().getBatchCount() > 0, "bearer in any case");
        for (String authorization : new String[] {null, "bearer garbage", UAA.bearer(Duration.ofMinutes(-5), "logs.admin"), USER}) {
            String source = authorization == USER ? OTHER : MINE;
            HttpResponse<String> refused = get("/api/v1/read/" + source + "?start_time=0", authorization);
            assertEquals(404, refused.statusCode(), String.valueOf(authorization));
            assertEquals("", refused.body());
        }
        assertEquals(404, get("/api/v1/meta", null).statusCode());
    }

    @Test
    void metaCountsEverySourceAndShowsUsersOnlyTheirs() throws IOException, Exception {
        store(MINE, List.of(log(MINE, 1, "mine")));
        String platform = "platform-" + UUID.randomUUID();
        store(platform, List.of(log(platform, 7, "a"), log(platform, 9, "b"), log(platform, 8, "c")));
        MetaResponse.Builder admin = MetaResponse.newBuilder();
        JsonFormat.parser().merge(get("/api/v1/meta", ADMIN).body(), admin);
        assertEquals(3, admin.getMetaMap().get(platform).getCount());
        assertEquals(7, admin.getMetaMap().get(platform).getOldestTimestamp());
        assertEquals(9, admin.getMetaMap().get(platform).getNewestTimestamp());
        String userMeta = get("/api/v1/meta", USER).body();
        MetaResponse.Builder user = MetaResponse.newBuilder();
        JsonFormat.parser().merge(userMeta, user);
        assertEquals(List.of(MINE), List.copyOf(user.getMetaMap().keySet()));
        assertTrue(userMeta.contains("\"oldestTimestamp\""), "lowerCamel names as the auth proxy writes them: " + userMeta);
    }

    @Test
    void grpcReadAndMetaAnswerAsLogCache() throws IOException {
        String source = UUID.randomUUID().toString();
        store(source, List.of(log(source, 5, "x"), log(source, 6, "y")));
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", cluster.tcGrpcPort(0)).usePlaintext().build();
        try {
            ReadResponse read = EgressGrpc.newBlockingStub(channel).read(ReadRequest.newBuilder().setSourceId(source)
                    .setDescending(true).addEnvelopeTypes(EnvelopeType.LOG).build());
            assertEquals(List.of(6L, 5L), timestamps(read));
            MetaResponse meta = EgressGrpc.newBlockingStub(channel).meta(MetaRequest.getDefaultInstance());
            assertEquals(2, meta.getMetaMap().get(source).getCount());
        } finally {
            channel.shutdownNow();
        }
    }
}
