package dev.loggregator.trafficcontroller.logcache.promql;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loggregator.trafficcontroller.support.Cluster;
import dev.loggregator.trafficcontroller.support.FakeCloudController;
import dev.loggregator.trafficcontroller.support.Tokens;
import dev.loggregator.trafficcontroller.support.V2Sender;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.cloudfoundry.logcache.v1.LogCachePromQL.PromQL;
import org.cloudfoundry.logcache.v1.PromQLQuerierGrpc;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Counter;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Gauge;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.GaugeValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Log Cache's PromQL API against 2 Doppler processes and a Traffic Controller: container metrics as
 * Diego's cells send them in {@code cpu{source_id=...}} instant queries, a {@code query_range} of a
 * counter's rate, Prometheus's JSON byte for byte, the auth proxy's answers (400 bad_data, 404 for every
 * refusal, app names expanded through the Cloud Controller), gRPC PromQLQuerier, and PromQL switched off.
 */
class PromQLApiTest {
    private static final Tokens UAA = new Tokens();
    private static final String ADMIN = UAA.bearer(Duration.ofHours(1), "logs.admin");
    private static final String USER = UAA.bearer(Duration.ofHours(1), "openid");
    private static final String MINE = "c0ffee00-0000-4000-8000-000000000001";
    private static final String OTHER = "c0ffee00-0000-4000-8000-000000000002";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static FakeCloudController cloudController;
    private static Cluster cluster;
    private static V2Sender[] senders;

    @BeforeAll
    static void start() throws IOException {
        Path pem = UAA.writePublicKeyPem(Files.createTempFile("jwt", ".pem"));
        cloudController = new FakeCloudController().answer(MINE, 200).answer(OTHER, 403).name(MINE, "my-app");
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

    /** A container-metrics gauge as a Diego cell's agent sends it. */
    private static Envelope containerMetrics(String app, String instance, long timestamp, double cpu) {
        Gauge.Builder gauge = Gauge.newBuilder();
        Map.of("cpu", cpu, "memory", 2.5e7, "disk", 1.2e8, "memory_quota", 1.073741824e9, "disk_quota", 1.073741824e9)
                .forEach((name, value) -> gauge.putMetrics(name, GaugeValue.newBuilder().setUnit("x").setValue(value).build()));
        return Envelope.newBuilder().setSourceId(app).setInstanceId(instance).setTimestamp(timestamp)
                .putTags("app_name", "my-app").putTags("origin", "rep").putTags("source_id", app).setGauge(gauge).build();
    }

    private static long nowNanos() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    private static HttpResponse<String> get(String path, String authorization) throws IOException {
        String url = cluster.http(0) + path;
        return authorization == null ? Cluster.get(url) : Cluster.get(url, "Authorization", authorization);
    }

    private static String query(String promql) {
        return "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8);
    }

    /** Sample values by instance_id, awaited until every instance answers. */
    private static Map<String, String> byInstance(String promql, int instances, String authorization) {
        Map<String, String> values = new TreeMap<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            values.clear();
            HttpResponse<String> response = get(query(promql), authorization);
            if (response.statusCode() != 200) {
                return false;
            }
            for (JsonNode sample : JSON.readTree(response.body()).path("data").path("result")) {
                values.put(sample.path("metric").path("instance_id").asText(), sample.path("value").get(1).asText());
            }
            return values.size() == instances;
        });
        return values;
    }

    @Test
    void containerMetricsAnswerInstantQueriesAsPrometheusJson() throws IOException {
        String app = UUID.randomUUID().toString();
        long now = nowNanos();
        senders[0].send(List.of(containerMetrics(app, "0", now - 20_000_000_000L, 1.5), containerMetrics(app, "0", now - 5_000_000_000L, 2.5)));
        senders[1].send(List.of(containerMetrics(app, "1", now - 5_000_000_000L, 12.25)));
        assertEquals(Map.of("0", "2.5", "1", "12.25"), byInstance("cpu{source_id=\"" + app + "\"}", 2, ADMIN));

        long time = System.currentTimeMillis() / 1000;
        HttpResponse<String> one = get(query("memory_quota{source_id=\"" + app + "\",instance_id=\"1\"}") + "&time=" + time, ADMIN);
        assertEquals(200, one.statusCode());
        assertEquals("application/json", one.headers().firstValue("Content-Type").orElse(null));
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"app_name\":\"my-app\","
                + "\"instance_id\":\"1\",\"origin\":\"rep\",\"source_id\":\"" + app + "\"},\"value\":[" + time
                + ".000,\"1073741824\"]}]}}\n", one.body());

        HttpResponse<String> sum = get(query("sum by (source_id) (memory{source_id=\"" + app + "\"}) / 1e6") + "&time=" + time, ADMIN);
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"source_id\":\"" + app
                + "\"},\"value\":[" + time + ".000,\"50\"]}]}}\n", sum.body());
        HttpResponse<String> scalar = get(query("1 + 1") + "&time=1700000000.5", ADMIN);
        assertEquals(400, scalar.statusCode(), "no source id: the auth proxy refuses it before the engine sees it");
        HttpResponse<String> empty = get(query("cpu{source_id=\"nothing-here\"}"), ADMIN);
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}\n", empty.body());
    }

    @Test
    void queryRangeOfACountersRate() throws IOException {
        String app = UUID.randomUUID().toString();
        long end = System.currentTimeMillis() / 1000 * 1000;
        List<Envelope> first = new ArrayList<>();
        List<Envelope> second = new ArrayList<>();
        for (int s = 180; s >= 0; s--) {
            long timestamp = (end - s * 1000L) * 1_000_000L;
            for (String instance : new String[] {"0", "1"}) {
                Envelope counter = Envelope.newBuilder().setSourceId(app).setInstanceId(instance).setTimestamp(timestamp)
                        .setCounter(Counter.newBuilder().setName("requests").setDelta(10).setTotal((180 - s) * 10L)).build();
                (s % 2 == 0 ? first : second).add(counter);
            }
        }
        senders[0].send(first);
        senders[1].send(second);
        String path = "/api/v1/query_range?query=" + URLEncoder.encode("rate(requests{source_id=\"" + app + "\"}[1m])",
                StandardCharsets.UTF_8) + "&start=" + (end / 1000 - 100) + "&end=" + (end / 1000 - 10) + "&step=15s";
        await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(get(path, ADMIN).body()).path("data")
                .path("result").size() == 2);
        String body = get(path, ADMIN).body();
        assertTrue(body.contains("\"values\":[[" + (end / 1000 - 100) + ".000,\""), "times as Log Cache writes them: " + body);
        JsonNode data = JSON.readTree(body).path("data");
        assertEquals("matrix", data.path("resultType").asText());
        for (JsonNode series : data.path("result")) {
            assertEquals(app, series.path("metric").path("source_id").asText());
            assertEquals(7, series.path("values").size(), "steps from start to end, 15 s apart");
            for (JsonNode point : series.path("values")) {
                assertEquals(10.0, Double.parseDouble(point.get(1).asText()), 1e-9, "samples from both Dopplers merged: 10 a second");
            }
        }
    }

    @Test
    void theAuthProxysAnswers() throws IOException {
        long now = nowNanos();
        senders[0].send(List.of(containerMetrics(MINE, "0", now - 1_000_000_000L, 3), containerMetrics(OTHER, "0", now - 1_000_000_000L, 4)));
        HttpResponse<String> noSourceId = get(query("cpu"), ADMIN);
        assertEquals(400, noSourceId.statusCode());
        assertEquals("application/json", noSourceId.headers().firstValue("Content-Type").orElse(null));
        assertEquals("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"query does not request any source_ids\"}\n",
                noSourceId.body());
        HttpResponse<String> unparsable = get(query("cpu{source_id=\"x\""), ADMIN);
        assertEquals(400, unparsable.statusCode());
        assertTrue(unparsable.body().startsWith("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error at char "),
                unparsable.body());

        HttpResponse<String> noToken = get(query("cpu{source_id=\"" + MINE + "\"}"), null);
        assertEquals(404, noToken.statusCode());
        assertEquals("", noToken.body());
        assertEquals(404, get(query("cpu{source_id=\"" + MINE + "\"}"), "bearer garbage").statusCode());
        assertEquals(Map.of("0", "3"), byInstance("cpu{source_id=\"" + MINE + "\"}", 1, USER), "the Cloud Controller admits it");
        HttpResponse<String> other = get(query("cpu{source_id=~\"" + MINE + "|" + OTHER + "\"}"), USER);
        assertEquals(404, other.statusCode(), "one source the user may not read refuses the query");
        assertEquals("", other.body());
        assertEquals(Map.of("0", "3"), byInstance("cpu{source_id=\"my-app\"}", 1, USER), "an app name becomes its GUID");

        HttpResponse<String> halfSelected = get(query("cpu{source_id=\"" + MINE + "\"} + memory"), ADMIN);
        assertEquals(500, halfSelected.statusCode());
        assertEquals("{\"status\":\"error\",\"errorType\":\"internal\",\"error\":\"metric 'memory' does not have a 'source_id' label\"}\n",
                halfSelected.body());
        HttpResponse<String> badTime = get(query("cpu{source_id=\"" + MINE + "\"}") + "&time=soon", ADMIN);
        assertEquals(500, badTime.statusCode());
        assertEquals("{\"status\":\"error\",\"errorType\":\"internal\",\"error\":\"cannot parse \\\"soon\\\" to a valid Unix or "
                + "RFC3339 timestamp\"}\n", badTime.body());
        assertEquals(404, get("/api/v1/queryx?query=1", ADMIN).statusCode());
    }

    @Test
    void grpcInstantAndRangeQueries() {
        String app = UUID.randomUUID().toString();
        long now = nowNanos();
        senders[1].send(List.of(containerMetrics(app, "3", now - 40_000_000_000L, 40), containerMetrics(app, "3", now - 2_000_000_000L, 42)));
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", cluster.tcGrpcPort(0)).usePlaintext().build();
        try {
            PromQLQuerierGrpc.PromQLQuerierBlockingStub stub = PromQLQuerierGrpc.newBlockingStub(channel);
            long time = System.currentTimeMillis() / 1000;
            await().atMost(Duration.ofSeconds(30)).until(() -> stub.instantQuery(PromQL.InstantQueryRequest.newBuilder()
                    .setQuery("cpu{source_id=\"" + app + "\"}").build()).getVector().getSamplesCount() == 1);
            PromQL.InstantQueryResult instant = stub.instantQuery(PromQL.InstantQueryRequest.newBuilder()
                    .setQuery("cpu{source_id=\"" + app + "\"}").setTime(Long.toString(time)).build());
            PromQL.Sample sample = instant.getVector().getSamples(0);
            assertEquals(42.0, sample.getPoint().getValue());
            assertEquals(time + ".000", sample.getPoint().getTime());
            assertEquals("3", sample.getMetricMap().get("instance_id"));
            PromQL.RangeQueryResult range = stub.rangeQuery(PromQL.RangeQueryRequest.newBuilder()
                    .setQuery("max_over_time(cpu{source_id=\"" + app + "\"}[1m])").setStart(Long.toString(time - 30))
                    .setEnd(Long.toString(time)).setStep("10").build());
            assertEquals(List.of(40.0, 40.0, 40.0, 42.0), range.getMatrix().getSeries(0).getPointsList().stream()
                    .map(PromQL.Point::getValue).toList());
            StatusRuntimeException missing = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                    () -> stub.instantQuery(PromQL.InstantQueryRequest.newBuilder().setQuery("cpu").build()));
            assertEquals(io.grpc.Status.Code.UNKNOWN, missing.getStatus().getCode());
            assertEquals("metric 'cpu' does not have a 'source_id' label", missing.getStatus().getDescription());
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void promqlSwitchedOffAnswersLogCaches501() throws IOException {
        try (Cluster off = Cluster.start(1, 1, "auth: {disable_access_control: true}\npromql: {enabled: false}")) {
            HttpResponse<String> response = Cluster.get(off.http(0) + query("cpu{source_id=\"x\"}"));
            assertEquals(501, response.statusCode());
            assertEquals("{\n\t\t\t\t\"status\": \"error\",\n\t\t\t\t\"errorType\": \"bad_data\",\n"
                    + "\t\t\t\t\"error\": \"Metrics not available\"\n\t\t\t}", response.body());
            assertEquals(501, Cluster.get(off.http(0) + "/api/v1/query_range").statusCode());
            assertEquals(200, Cluster.get(off.http(0) + "/api/v1/info").statusCode(), "the rest of Log Cache stays");
        }
    }
}
