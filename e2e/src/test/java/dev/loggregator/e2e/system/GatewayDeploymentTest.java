package dev.loggregator.e2e.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.e2e.client.EnvelopeStream;
import dev.loggregator.e2e.client.HandshakeRejectedException;
import dev.loggregator.e2e.client.LogEndpointClient;
import dev.loggregator.e2e.ingress.V2Envelopes;
import dev.loggregator.wire.ingress.V2IngressClient;
import dev.loggregator.e2e.support.Envelopes;
import dev.loggregator.e2e.support.FakeCloudController;
import dev.loggregator.e2e.support.LogsCli;
import dev.loggregator.e2e.deployment.LoopbackDeployment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * The production shape: a Doppler, two Traffic Controllers and the gateway in front of them serving
 * wss://, with per-app access decided by a Cloud Controller. Clients are the logs CLI and plain
 * WebSocket/HTTP consumers, always through the gateway unless a test needs a given Traffic Controller.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayDeploymentTest {
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    /** cf CLI v6 line: timestamp, [SOURCE/INSTANCE], OUT|ERR, message. */
    private static final Pattern CF_LINE = Pattern.compile(
            "^\\s*\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{2}[+-]\\d{4} \\[([^\\]]+)\\] (OUT|ERR) (.*)$");

    private FakeCloudController cloudController;
    private LoopbackDeployment deployment;
    private Path cliConfig;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        cloudController = new FakeCloudController();
        deployment = LoopbackDeployment.in(dir).dopplers(1).trafficControllers(2).gatewayWithTls()
                .cloudController(cloudController.url())
                .gateway("dead_backend_ttl_ms: 3000")
                .start();
        cloudController.trustTokensSignedFor(deployment.tokenKey());
        cliConfig = dir.resolve("logs-config.json");
        LogsCli.configure(cliConfig, "target", deployment.endpoint().toString(), "--ca", deployment.certificate().toString());
        LogsCli.configure(cliConfig, "token", deployment.token("operator", "doppler.firehose", "doppler.admin"));
    }

    @AfterAll
    void stop() {
        if (deployment != null) {
            deployment.close();
        }
        if (cloudController != null) {
            cloudController.close();
        }
    }

    private static long now() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    /** The messages of {@code app}'s lines in the tail's output, in order, checked against the cf CLI format. */
    private static List<String> messages(LogsCli tail, String source) {
        List<String> messages = new ArrayList<>();
        for (String line : tail.stdout()) {
            Matcher m = CF_LINE.matcher(line);
            if (m.matches() && m.group(1).equals(source)) {
                messages.add(m.group(2) + " " + m.group(3));
            }
        }
        return messages;
    }

    private static List<String> lines(LogsCli tail) {
        return messages(tail, "APP/PROC/WEB/0").stream().filter(m -> !m.endsWith("warm-up")).toList();
    }

    @Test
    @Order(1)
    void logsTailThroughTheGatewayOverWssShowsEveryLineInOrderInTheCfFormat() {
        String app = UUID.randomUUID().toString();
        V2IngressClient ingress = deployment.ingress(0);
        try (LogsCli tail = LogsCli.start(cliConfig, "tail", app)) {
            await().atMost(PATIENCE).until(() -> {
                ingress.send(V2Envelopes.log(app, "0", "APP/PROC/WEB", Log.Type.OUT, "warm-up", now()));
                return messages(tail, "APP/PROC/WEB/0").contains("OUT warm-up");
            });
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                boolean err = i % 10 == 9;
                String text = "line " + i;
                ingress.send(V2Envelopes.log(app, "0", "APP/PROC/WEB", err ? Log.Type.ERR : Log.Type.OUT, text, now()));
                expected.add((err ? "ERR " : "OUT ") + text);
            }
            ingress.flush();
            // Several warm-ups may be printed (one is sent per poll until the first shows): count the lines only.
            await().atMost(PATIENCE).until(() -> lines(tail).size() >= expected.size());
            assertEquals(expected, lines(tail), "every line once, in the order one sender wrote them; output:\n" + tail);
        }
    }

    @Test
    @Order(2)
    void twoClientsSharingASubscriptionIdAcrossTrafficControllersGetEachEnvelopeExactlyOnce() {
        String app = UUID.randomUUID().toString();
        String shared = "shared-" + app;
        Envelopes a = new Envelopes();
        Envelopes b = new Envelopes();
        Envelopes other = new Envelopes();
        LogEndpointClient tc0 = deployment.client(deployment.trafficController(0));
        LogEndpointClient tc1 = deployment.client(deployment.trafficController(1));
        try (EnvelopeStream sa = tc0.firehose(shared, deployment.operator(), a);
             EnvelopeStream sb = tc1.firehose(shared, deployment.operator(), b);
             EnvelopeStream so = tc0.firehose("other-" + app, deployment.operator(), other)) {
            V2IngressClient ingress = deployment.ingress(0);
            String warm = "warm-" + app;
            await().atMost(PATIENCE).until(() -> {
                ingress.send(V2Envelopes.log(warm, "0", "APP/PROC/WEB", Log.Type.OUT, "warm-up", now()));
                return !a.logs(warm).isEmpty() && !b.logs(warm).isEmpty() && !other.logs(warm).isEmpty();
            });
            int total = 5000;
            for (int i = 0; i < total; i++) {
                ingress.send(V2Envelopes.log(app, "0", "APP/PROC/WEB", Log.Type.OUT, "envelope " + i, now()));
            }
            ingress.flush();

            await().atMost(PATIENCE).until(() -> a.logs(app).size() + b.logs(app).size() >= total && other.logs(app).size() >= total);
            List<String> union = new ArrayList<>(a.logs(app));
            union.addAll(b.logs(app));
            assertEquals(total, union.size(), "no envelope delivered twice within the subscription");
            assertEquals(total, new HashSet<>(union).size());
            assertTrue(!a.logs(app).isEmpty() && !b.logs(app).isEmpty(),
                    "the subscription is shared: " + a.logs(app).size() + " / " + b.logs(app).size());
            assertEquals(total, new HashSet<>(other.logs(app)).size(), "another subscription id gets everything");
            assertEquals(total, other.logs(app).size());
        }
    }

    @Test
    @Order(3)
    void aTokenWithoutTheFirehoseScopeCannotReadTheFirehose() {
        LogEndpointClient client = deployment.client();
        String user = "bearer " + deployment.token("alice", "cloud_controller.read", "openid");

        HandshakeRejectedException noScope = assertThrows(HandshakeRejectedException.class,
                () -> client.firehose("alice-" + UUID.randomUUID(), user, new Envelopes()));
        assertEquals(401, noScope.status());
        HandshakeRejectedException noToken = assertThrows(HandshakeRejectedException.class,
                () -> client.firehose("anonymous", null, new Envelopes()));
        assertEquals(401, noToken.status());
        try (EnvelopeStream operator = client.firehose("operator-" + UUID.randomUUID(), deployment.operator(), new Envelopes())) {
            assertTrue(operator.isOpen(), "the operator's token with doppler.firehose opens it");
        }
    }

    @Test
    @Order(4)
    void aUserWithoutAccessToAnAppGets404AndAUserWithAccessReadsIt() {
        String alicesApp = UUID.randomUUID().toString();
        String bobsApp = UUID.randomUUID().toString();
        cloudController.allow("alice", alicesApp);
        cloudController.allow("bob", bobsApp);
        String alice = "bearer " + deployment.token("alice", "cloud_controller.read", "openid");
        LogEndpointClient client = deployment.client();

        HandshakeRejectedException stream = assertThrows(HandshakeRejectedException.class,
                () -> client.stream(bobsApp, alice, new Envelopes()));
        assertEquals(404, stream.status());
        assertEquals(404, client.recentLogs(bobsApp, alice).status());
        assertEquals(401, client.recentLogs(bobsApp, null).status());

        V2IngressClient ingress = deployment.ingress(0);
        ingress.send(V2Envelopes.log(alicesApp, "0", "APP/PROC/WEB", Log.Type.OUT, "for alice", now()));
        ingress.flush();
        await().atMost(PATIENCE).untilAsserted(() -> {
            LogEndpointClient.Answer answer = client.recentLogs(alicesApp, alice);
            assertEquals(200, answer.status(), answer.text());
            assertEquals(1, answer.envelopes().size());
        });
    }

    @Test
    @Order(5)
    void whenATrafficControllerDiesTheGatewayMarksItDeadAndLogsTailReconnectsThroughTheOther() {
        String app = UUID.randomUUID().toString();
        V2IngressClient ingress = deployment.ingress(0);
        Set<String> killed = new HashSet<>();
        try (LogsCli tail = LogsCli.start(cliConfig, "tail", app)) {
            int[] sequence = {0};
            awaitLine(tail, ingress, app, "before", sequence);
            for (int victim = 0; victim < 2; victim++) {
                String name = "traffic-controller-" + victim;
                String backend = deployment.trafficControllerAddress(victim);
                deployment.system().kill(name);
                killed.add(name);
                await().atMost(PATIENCE).until(() -> {
                    deployment.client().recentLogs(app, deployment.operator());
                    return gatewayMetrics().contains("gateway_backend_dead{backend=\"" + backend + "\"} 1.0");
                });
                awaitLine(tail, ingress, app, "after killing " + name, sequence);
                assertTrue(tail.isAlive(), "logs tail kept running: " + tail);
                deployment.system().restart(name);
                killed.remove(name);
            }
        } finally {
            killed.forEach(deployment.system()::restart);
        }
    }

    /** Emits numbered lines until one shows up in the tail (each attempt is a new line, so reconnects may skip some). */
    private static void awaitLine(LogsCli tail, V2IngressClient ingress, String app, String label, int[] sequence) {
        await().atMost(PATIENCE).until(() -> {
            String text = label + " " + sequence[0]++;
            ingress.send(V2Envelopes.log(app, "0", "APP/PROC/WEB", Log.Type.OUT, text, now()));
            return tail.stdout().stream().anyMatch(l -> l.contains(label + " "));
        });
    }

    private String gatewayMetrics() {
        return deployment.client(deployment.gatewayAdmin()).get("/metrics", null).text();
    }
}
