package dev.loggregator.e2e.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.e2e.client.EnvelopeStream;
import dev.loggregator.e2e.demo.DemoApps;
import dev.loggregator.e2e.client.LogEndpointClient;
import dev.loggregator.e2e.ingress.V2Envelopes;
import dev.loggregator.wire.ingress.V2IngressClient;
import dev.loggregator.e2e.support.Envelopes;
import dev.loggregator.e2e.deployment.LoopbackDeployment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Dopplers behind one Traffic Controller, with the demo emitter running as with
 * {@code bin/loggregator up --demo}: recent logs and container metrics merged across Dopplers,
 * slow and fast firehose consumers side by side, and a Doppler killed and restarted mid-stream.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoDopplersTest {
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private LoopbackDeployment deployment;
    private LogEndpointClient client;

    @BeforeAll
    void start(@TempDir Path dir) {
        deployment = LoopbackDeployment.in(dir).dopplers(2).trafficControllers(1).demo()
                .trafficController("slow_consumer_timeout_seconds: 300")
                // A paused stream answers no pings either: keep-alive must not cut it before it reads again.
                .trafficController("keepalive_seconds: 300")
                .start();
        client = deployment.client();
    }

    @AfterAll
    void stop() {
        if (deployment != null) {
            deployment.close();
        }
    }

    private static long now() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    @Test
    @Order(1)
    void theDemoEmitterFeedsTheDemoAppThroughTheV2Ingress() {
        Envelopes received = new Envelopes();
        String demo = DemoApps.guid(DemoApps.WEB);
        try (EnvelopeStream stream = client.stream(demo, deployment.operator(), received)) {
            await().atMost(PATIENCE).until(() -> received.logs(demo).size() >= 5
                    && received.matching(e -> e.getEventType() == EventType.ContainerMetric).size() >= 1);
        }
        assertTrue(received.all().stream().allMatch(e -> appOf(e).equals(demo)), "an app stream carries only that app");
        assertTrue(received.all().stream().allMatch(e -> DemoApps.WEB.equals(e.getTagsMap().get("app_name"))),
                "the app's name travels in a tag");
    }

    @Test
    @Order(1)
    void theDemoAppsMetricsAnswerLogCachesPromQL() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        String cpu = "/api/v1/query?query=" + java.net.URLEncoder.encode("cpu{source_id=\"demo\"}", StandardCharsets.UTF_8);
        await().atMost(PATIENCE).untilAsserted(() -> {
            LogEndpointClient.Answer answer = client.get(cpu, deployment.operator());
            assertEquals(200, answer.status(), answer.text());
            Set<String> instances = new HashSet<>();
            json.readTree(answer.body()).path("data").path("result")
                    .forEach(sample -> instances.add(sample.path("metric").path("instance_id").asText()));
            assertEquals(Set.of("0", "1"), instances, answer.text());
        });
        long now = System.currentTimeMillis() / 1000;
        String rate = "/api/v1/query_range?query=" + java.net.URLEncoder.encode("rate(requests{source_id=\"demo\"}[1m])",
                StandardCharsets.UTF_8) + "&start=" + (now - 120) + "&end=" + (now + 30) + "&step=15";
        await().atMost(PATIENCE).untilAsserted(() -> {
            LogEndpointClient.Answer answer = client.get(rate, deployment.operator());
            assertEquals(200, answer.status(), answer.text());
            com.fasterxml.jackson.databind.JsonNode data = json.readTree(answer.body()).path("data");
            assertEquals("matrix", data.path("resultType").asText());
            assertTrue(data.path("result").size() == 1 && data.path("result").get(0).path("values").size() > 0, answer.text());
        });
        assertEquals(400, client.get("/api/v1/query?query=cpu", deployment.operator()).status(), "no source_id");
        assertEquals(404, client.get(cpu, null).status(), "no token");
    }

    @Test
    @Order(2)
    void recentLogsAreMergedAcrossDopplersAndContainerMetricsDeDuplicated() {
        String app = UUID.randomUUID().toString();
        V2IngressClient d0 = deployment.ingress(0);
        V2IngressClient d1 = deployment.ingress(1);
        for (int i = 0; i < 5; i++) {
            d0.send(V2Envelopes.log(app, "0", "APP/PROC/WEB", Log.Type.OUT, "from doppler-0 #" + i, now()));
            d1.send(V2Envelopes.log(app, "1", "APP/PROC/WEB", Log.Type.OUT, "from doppler-1 #" + i, now()));
        }
        long t = now();
        d0.send(V2Envelopes.containerMetric(app, 0, 10.0, 100, 1000, t));
        d1.send(V2Envelopes.containerMetric(app, 0, 20.0, 200, 2000, t + 1_000_000));
        d1.send(V2Envelopes.containerMetric(app, 1, 30.0, 300, 3000, t));
        d0.flush();
        d1.flush();

        Set<String> expected = IntStream.range(0, 5).boxed()
                .flatMap(i -> java.util.stream.Stream.of("from doppler-0 #" + i, "from doppler-1 #" + i))
                .collect(Collectors.toSet());
        await().atMost(PATIENCE).untilAsserted(() -> {
            LogEndpointClient.Answer answer = client.recentLogs(app, deployment.operator());
            assertEquals(200, answer.status(), answer.text());
            assertTrue(answer.contentType().startsWith("multipart/x-protobuf"), answer.contentType());
            Set<String> texts = new HashSet<>();
            for (byte[] part : answer.envelopes()) {
                texts.add(Envelope.parseFrom(part).getLogMessage().getMessage().toString(StandardCharsets.UTF_8));
            }
            assertEquals(expected, texts);
        });
        await().atMost(PATIENCE).untilAsserted(() -> {
            LogEndpointClient.Answer answer = client.containerMetrics(app, deployment.operator());
            assertEquals(200, answer.status(), answer.text());
            List<Envelope> metrics = new ArrayList<>();
            for (byte[] part : answer.envelopes()) {
                metrics.add(Envelope.parseFrom(part));
            }
            assertEquals(2, metrics.size(), "one per instance: " + metrics);
            Envelope instance0 = metrics.stream().filter(m -> m.getContainerMetric().getInstanceIndex() == 0).findFirst().orElseThrow();
            assertEquals(20.0, instance0.getContainerMetric().getCpuPercentage(), "the newest of the two Dopplers' instance 0");
        });
    }

    @Test
    @Order(3)
    void aSlowFirehoseClientGetsTheDroppedCountWhileAFastOneLosesNothing() {
        String app = UUID.randomUUID().toString();
        Envelopes fast = new Envelopes();
        Envelopes slow = new Envelopes();
        String payload = "x".repeat(1000);
        try (EnvelopeStream fastStream = client.firehose("fast-" + app, deployment.operator(), fast);
             EnvelopeStream slowStream = client.firehose("slow-" + app, deployment.operator(), slow)) {
            V2IngressClient ingress = deployment.ingress(0);
            String warm = "warm-" + app;
            await().atMost(PATIENCE).until(() -> {
                ingress.send(V2Envelopes.log(warm, "0", "APP/PROC/WEB", Log.Type.OUT, "warm-up", now()));
                return !fast.logs(warm).isEmpty() && !slow.logs(warm).isEmpty();
            });
            slowStream.pause();

            // Rounds paced by the fast client (no sleeps): the slow one, reading nothing, falls ever further behind.
            // Half the default queues (10,000 at Doppler and Traffic Controller) per round: the fast client never drops.
            int rounds = 10;
            int perRound = 5_000;
            int total = rounds * perRound;
            for (int round = 0; round < rounds; round++) {
                List<org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope> batch = new ArrayList<>();
                for (int i = round * perRound; i < (round + 1) * perRound; i++) {
                    batch.add(V2Envelopes.log(app, "0", "APP/PROC/WEB", Log.Type.OUT, i + " " + payload, now()));
                    if (batch.size() == 100) {
                        ingress.send(batch);
                        batch = new ArrayList<>();
                    }
                }
                ingress.flush();
                int expected = (round + 1) * perRound;
                await().atMost(PATIENCE).until(() -> fast.logs(app).size() >= expected);
            }

            await().atMost(PATIENCE).until(() -> fast.logs(app).size() >= total);
            List<String> fastLogs = fast.logs(app);
            assertEquals(total, fastLogs.size(), "the fast client got every envelope exactly once");
            assertEquals(total, new HashSet<>(fastLogs).size());

            slowStream.resume();
            await().atMost(PATIENCE).until(() -> !dropNotices(slow).isEmpty());
            assertTrue(slow.logs(app).size() < total, "the slow client lost envelopes: " + slow.logs(app).size());
            assertTrue(dropNotices(fast).isEmpty(), "the fast client was told of drops: " + dropNotices(fast));
        }
    }

    /** The LGR error line or the TruncatingBuffer.DroppedMessages counter a consumer gets after drops. */
    private static List<Envelope> dropNotices(Envelopes received) {
        return received.matching(e -> (e.getEventType() == EventType.CounterEvent
                && e.getCounterEvent().getName().equals("TruncatingBuffer.DroppedMessages"))
                || (e.getEventType() == EventType.LogMessage && e.getLogMessage().getSourceType().equals("LGR")));
    }

    @Test
    @Order(4)
    void theStreamSurvivesADopplerKilledMidStreamAndTheDopplerRejoinsWhenRestarted() {
        String app = UUID.randomUUID().toString();
        Envelopes received = new Envelopes();
        try (EnvelopeStream stream = client.firehose("failover-" + app, deployment.operator(), received)) {
            V2IngressClient d0 = deployment.ingress(0);
            V2IngressClient d1 = deployment.ingress(1);
            await().atMost(PATIENCE).until(() -> {
                d0.send(V2Envelopes.log(app, "0", "APP/PROC/WEB", Log.Type.OUT, "warm-up 0", now()));
                d1.send(V2Envelopes.log(app, "0", "APP/PROC/WEB", Log.Type.OUT, "warm-up 1", now()));
                return received.logs(app).contains("warm-up 0") && received.logs(app).contains("warm-up 1");
            });

            deployment.system().kill("doppler-0");
            sendNumbered(d1, app, "after kill", 200);
            await().atMost(PATIENCE).until(() -> count(received, app, "after kill") == 200);
            assertTrue(stream.isOpen(), "the client's stream stayed open");

            deployment.system().restart("doppler-0");
            V2IngressClient restarted = deployment.ingress(0);
            await().atMost(PATIENCE).until(() -> {
                restarted.send(V2Envelopes.log(app, "0", "APP/PROC/WEB", Log.Type.OUT, "rejoined", now()));
                return received.logs(app).contains("rejoined");
            });
            sendNumbered(restarted, app, "after restart", 200);
            await().atMost(PATIENCE).until(() -> count(received, app, "after restart") == 200);
            assertTrue(stream.isOpen());
        }
    }

    private static void sendNumbered(V2IngressClient ingress, String app, String prefix, int n) {
        for (int i = 0; i < n; i++) {
            ingress.send(V2Envelopes.log(app, "0", "APP/PROC/WEB", Log.Type.OUT, prefix + " #" + i, now()));
        }
        ingress.flush();
    }

    private static long count(Envelopes received, String app, String prefix) {
        return received.logs(app).stream().filter(s -> s.startsWith(prefix + " #")).distinct().count();
    }

    private static String appOf(Envelope e) {
        return switch (e.getEventType()) {
            case LogMessage -> e.getLogMessage().getAppId();
            case ContainerMetric -> e.getContainerMetric().getApplicationId();
            default -> e.getTagsOrDefault("source_id", "system");
        };
    }
}
