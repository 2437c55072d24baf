package dev.loggregator.trafficcontroller.v2;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.loggregator.trafficcontroller.support.Cluster;
import dev.loggregator.trafficcontroller.support.FakeCloudController;
import dev.loggregator.trafficcontroller.support.SseClient;
import dev.loggregator.trafficcontroller.support.Tokens;
import dev.loggregator.trafficcontroller.support.V2Sender;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.cloudfoundry.dropsonde.events.EventFactory;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Counter;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Event;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Gauge;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.GaugeValue;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Timer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v2/read} as the RLP gateway answers it, against 2 Dopplers and 2 Traffic Controllers
 * with real JWTs and a Cloud Controller speaking HTTP: what is sent as v2 arrives equal; v1 arrives
 * as tov2 converts it; shard ids split across Traffic Controllers; heartbeat and closing events;
 * the gateway's errors and its 404 for every auth failure.
 */
class ReadEndpointTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Tokens UAA = new Tokens();
    private static final String ADMIN = UAA.bearer(Duration.ofHours(1), "doppler.firehose");
    private static final String LOGS_ADMIN = UAA.bearer(Duration.ofHours(1), "logs.admin");
    private static final String USER = UAA.bearer(Duration.ofHours(1), "openid");
    private static final String ALLOWED = "5d6c8e1a-3b2f-4c7d-9e8f-0a1b2c3d4e5f";
    private static final String FOREIGN = "0f9e8d7c-6b5a-4938-8271-605f4e3d2c1b";
    private static FakeCloudController cloudController;
    private static Cluster cluster;
    private static V2Sender sender;

    @BeforeAll
    static void start() throws IOException {
        Path pem = UAA.writePublicKeyPem(Files.createTempFile("jwt", ".pem"));
        cloudController = new FakeCloudController().answer(ALLOWED, 200).answer(FOREIGN, 403);
        cluster = Cluster.start(2, 2, """
                auth:
                  jwt: {public_key_pem: %s}
                  cloud_controller: {url: "%s", cache_seconds: 1}
                v2: {heartbeat_seconds: 1, stream_timeout_seconds: 10}
                """.formatted(pem, cloudController.url()));
        sender = new V2Sender(cluster.dopplerGrpcPort(0));
    }

    @AfterAll
    static void stop() {
        if (sender != null) {
            sender.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        cloudController.close();
    }

    private static String read(int tc, String query) {
        return cluster.http(tc) + "/v2/read?" + query;
    }

    private static List<Envelope> bySource(SseClient client, String source) {
        return client.envelopes().stream().filter(e -> e.getSourceId().equals(source)).toList();
    }

    /** Waits until the stream's Doppler links are up: a probe envelope of {@code source} arrives. */
    private static void awaitLinked(SseClient client, String source) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            sender.send(List.of(Envelope.newBuilder().setSourceId(source).setTimestamp(1)
                    .setEvent(Event.newBuilder().setTitle("probe")).build()));
            return bySource(client, source).stream().anyMatch(Envelope::hasEvent);
        });
    }

    @Test
    void whatIsSentAsV2ArrivesEqualFieldForField() throws IOException {
        String source = UUID.randomUUID().toString();
        try (SseClient client = SseClient.open(read(0, "log&counter&gauge&timer&event&source_id=" + source), ADMIN)) {
            assertEquals(200, client.status());
            assertEquals("text/event-stream", client.response().headers().firstValue("Content-Type").orElse(null));
            awaitLinked(client, source);
            Envelope.Builder base = Envelope.newBuilder().setSourceId(source).setInstanceId("2").putTags("app_name", "web");
            List<Envelope> sent = List.of(
                    base.clone().setTimestamp(10).setLog(Log.newBuilder().setPayload(ByteString.copyFromUtf8("hi"))
                            .setType(Log.Type.ERR)).build(),
                    base.clone().setTimestamp(11).setCounter(Counter.newBuilder().setName("c").setDelta(3).setTotal(-2L)).build(),
                    base.clone().setTimestamp(12).setGauge(Gauge.newBuilder()
                            .putMetrics("a", GaugeValue.newBuilder().setUnit("u").setValue(1.5).build())
                            .putMetrics("b", GaugeValue.newBuilder().setValue(-0.25).build())).build(),
                    base.clone().setTimestamp(13).setTimer(Timer.newBuilder().setName("t").setStart(1).setStop(2)).build(),
                    base.clone().setTimestamp(14).setEvent(Event.newBuilder().setTitle("x").setBody("y")).build());
            sender.send(sent);
            await().atMost(WAIT).until(() -> bySource(client, source).stream().filter(e -> e.getTimestamp() >= 10).count() == 5);
            assertEquals(sent, bySource(client, source).stream().filter(e -> e.getTimestamp() >= 10).toList());
            assertNull(client.parseError());
        }
    }

    @Test
    void whatIsSentAsV1ArrivesAsTov2ConvertsIt() throws IOException {
        String app = UUID.randomUUID().toString();
        try (SseClient client = SseClient.open(read(1, "log&source_id=" + app), LOGS_ADMIN)) {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                cluster.emit(1, EventFactory.Envelope.newBuilder().setOrigin("rep")
                        .setEventType(EventFactory.Envelope.EventType.LogMessage).setTimestamp(99).setDeployment("cf")
                        .setLogMessage(LogMessage.newBuilder().setMessage(ByteString.copyFromUtf8("from v1"))
                                .setMessageType(LogMessage.MessageType.OUT).setTimestamp(99).setAppId(app)
                                .setSourceType("APP/PROC/WEB").setSourceInstance("4"))
                        .build().toByteArray());
                return !bySource(client, app).isEmpty();
            });
            Envelope v2 = bySource(client, app).get(0);
            assertEquals(99, v2.getTimestamp());
            assertEquals("4", v2.getInstanceId());
            assertEquals("from v1", v2.getLog().getPayload().toStringUtf8());
            assertEquals("LogMessage", v2.getTagsMap().get("__v1_type"));
            assertEquals("rep", v2.getTagsMap().get("origin"));
            assertEquals("cf", v2.getTagsMap().get("deployment"));
            assertEquals("APP/PROC/WEB", v2.getTagsMap().get("source_type"));
        }
    }

    @Test
    void aShardIdSplitsTheStreamAcrossTrafficControllersExactlyOnce() throws IOException {
        String source = UUID.randomUUID().toString();
        String query = "log&event&shard_id=split-" + source + "&source_id=" + source;
        try (SseClient first = SseClient.open(read(0, query), ADMIN);
             SseClient second = SseClient.open(read(1, query), ADMIN)) {
            // Both members are in the group once each received a probe (probes are shared as well).
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
                sender.send(List.of(Envelope.newBuilder().setSourceId(source).setTimestamp(1)
                        .setEvent(Event.newBuilder().setTitle("probe")).build()));
                return bySource(first, source).stream().anyMatch(Envelope::hasEvent)
                        && bySource(second, source).stream().anyMatch(Envelope::hasEvent);
            });
            List<Envelope> lines = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                lines.add(Envelope.newBuilder().setSourceId(source).setTimestamp(100 + i)
                        .setLog(Log.newBuilder().setPayload(ByteString.copyFromUtf8("line " + i))).build());
            }
            sender.send(lines);
            await().atMost(WAIT).until(() -> logs(first, source).size() + logs(second, source).size() >= 1000);
            Set<String> seen = new HashSet<>();
            logs(first, source).forEach(e -> assertTrue(seen.add(e.getLog().getPayload().toStringUtf8())));
            logs(second, source).forEach(e -> assertTrue(seen.add(e.getLog().getPayload().toStringUtf8()), "delivered twice"));
            assertEquals(1000, seen.size());
            assertTrue(!logs(first, source).isEmpty() && !logs(second, source).isEmpty());
        }
    }

    private static List<Envelope> logs(SseClient client, String source) {
        return bySource(client, source).stream().filter(Envelope::hasLog).toList();
    }

    @Test
    void heartbeatsWithoutDataThenClosingAtTheStreamTimeout() throws IOException {
        String source = UUID.randomUUID().toString();
        try (SseClient client = SseClient.open(read(0, "log&source_id=" + source), ADMIN)) {
            await().atMost(WAIT).until(() -> client.events().stream().filter(e -> "heartbeat".equals(e.name())).count() >= 2);
            SseClient.Event heartbeat = client.events().stream().filter(e -> "heartbeat".equals(e.name())).findFirst().orElseThrow();
            long seconds = Long.parseLong(heartbeat.data());
            assertTrue(Math.abs(seconds - System.currentTimeMillis() / 1000) < 60, heartbeat.data());
            await().atMost(WAIT).until(client::ended);
            SseClient.Event last = client.events().get(client.events().size() - 1);
            assertEquals(new SseClient.Event("closing", "closing due to stream timeout"), last);
            long heartbeats = client.events().stream().filter(e -> "heartbeat".equals(e.name())).count();
            assertTrue(heartbeats <= 10, "one heartbeat a second without data over the 10 s lifetime, not one per check: " + heartbeats);
        }
    }

    @Test
    void authFailuresAreAll404NotFound() throws IOException {
        String notFound = "{\"message\":\"resource not found\",\"error\":\"not_found\"}\n\n";
        assertError(get(read(0, "log"), null), 404, notFound);
        assertError(get(read(0, "log"), "bearer garbage"), 404, notFound);
        assertError(get(read(0, "log"), UAA.bearer(Duration.ofMinutes(-5), "doppler.firehose")), 404, notFound);
        assertError(get(read(0, "log"), USER), 404, notFound);
        assertError(get(read(0, "log&source_id=" + FOREIGN), USER), 404, notFound);
        assertError(get(read(0, "log&source_id=not-a-guid"), USER), 404, notFound);
        assertError(get(read(0, "log&source_id=" + ALLOWED + "&source_id=" + FOREIGN), USER), 404, notFound);
        try (SseClient allowed = SseClient.open(read(0, "log&source_id=" + ALLOWED), USER)) {
            assertEquals(200, allowed.status());
        }
    }

    @Test
    void requestErrorsAreTheGatewaysJson() throws IOException, InterruptedException {
        assertError(get(cluster.http(0) + "/v2/read", ADMIN), 400,
                "{\"message\":\"query cannot be empty\",\"error\":\"empty_query\"}\n\n");
        assertError(get(read(0, "source_id=x"), ADMIN), 400,
                "{\"message\":\"query must provide at least one envelope type\",\"error\":\"missing_envelope_type\"}\n\n");
        HttpResponse<String> post = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(read(0, "log")))
                .header("Authorization", ADMIN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(post, 405, "{\"message\":\"method not allowed\",\"error\":\"method_not_allowed\"}\n\n");
    }

    private static HttpResponse<String> get(String url, String authorization) throws IOException {
        return authorization == null ? Cluster.get(url) : Cluster.get(url, "Authorization", authorization);
    }

    private static void assertError(HttpResponse<String> response, int status, String body) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(body, response.body());
        assertEquals("text/plain; charset=utf-8", response.headers().firstValue("Content-Type").orElse(null));
    }
}
