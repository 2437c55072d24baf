package dev.loggregator.e2e.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.loggregator.e2e.deployment.NamespaceDeployment;
import dev.loggregator.e2e.launcher.RunningSystem;
import dev.loggregator.e2e.netns.TestNetwork;
import dev.loggregator.e2e.support.DebianPackages;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults across hosts under a steady stream of numbered envelopes: two Dopplers, two Traffic
 * Controllers and the gateway, each in its own network namespace, Dopplers found by DNS; apps send
 * numbered lines through the v2 gRPC ingress (failing over as agents do) while a firehose nozzle
 * (two connections sharing a subscription), one app stream per app and a /v2/read nozzle (two
 * connections sharing a shard) read through the gateway. Each fault is measured: accepted lines a
 * consumer never got, the notices and drop counters that told of it, the longest stall, and the time
 * until every consumer receives lines through every Doppler again after the component is back.
 * The table goes to {@code e2e/target/fault-tests.md} (and into the README's "Fault tests").
 * {@code -Dfaults.long=true} runs the longer variant: five times the rate (as the 5,000 lines/s),
 * and a long partition of 60 s, past the Doppler's and the retired link's 45 s silence limits.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultToleranceTest {
    private static final boolean LONG = Boolean.getBoolean("faults.long");
    /** Numbered lines per second per app. */
    private static final int RATE = Integer.getInteger("faults.rate", LONG ? 1250 : 250);
    /** App ids are GUIDs, as the Traffic Controller requires at its edge. */
    private static final String[] APPS = {"f0a17000-0000-4000-8000-000000000000", "f0a17000-0000-4000-8000-000000000001",
            "f0a17000-0000-4000-8000-000000000002", "f0a17000-0000-4000-8000-000000000003"};
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /** How long the Dopplers' replay ring keeps envelopes (doppler.replay_seconds, 30 by default): short, to test its bound. */
    private static final int REPLAY_SECONDS = 8;
    private static final Duration PARTITION = Duration.ofSeconds(5);
    /** Longer than the replay ring: the link's silence outlasts what the Doppler keeps for a re-dial. */
    private static final Duration LONG_PARTITION = Duration.ofSeconds(LONG ? 60 : 12);
    private static final Duration DEGRADED = Duration.ofSeconds(LONG ? 30 : 8);

    private NamespaceDeployment deployment;
    private RunningSystem system;
    private NumberedTraffic traffic;
    private final List<Consumer> consumers = new ArrayList<>();
    private FaultProbe probe;
    private FaultReport report;

    @BeforeAll
    void start(@TempDir Path dir) {
        Optional<String> unavailable = DebianPackages.ensure("ip", "iproute2")
                .or(TestNetwork::unavailableReason)
                .or(() -> DebianPackages.ensure("dnsmasq", "dnsmasq-base"))
                .or(() -> DebianPackages.ensure("nft", "nftables"));
        assumeTrue(unavailable.isEmpty(), () -> "fault tests across network namespaces skipped: " + unavailable.get());
        deployment = NamespaceDeployment.in(dir).dopplers(2).trafficControllers(2).relayedLink(0, 1)
                // A gateway stopped with SIGTERM cuts the tunnels it still carries after this long.
                .doppler("replay_seconds: " + REPLAY_SECONDS)
                .gateway("drain_deadline_ms: 3000")
                // A Traffic Controller back from a restart gets connections again soon.
                .gateway("dead_backend_ttl_ms: 3000")
                .start();
        system = deployment.system();
        Ledger ledger = new Ledger(APPS);
        traffic = new NumberedTraffic(ledger, List.of(deployment.dopplerIngress(0), deployment.dopplerIngress(1)), RATE);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI endpoint = deployment.endpoint();
        String operator = deployment.operator();
        consumers.add(V1Consumer.firehose(ledger, http, endpoint, "fault-nozzle", 2, operator));
        for (int app = 0; app < APPS.length; app++) {
            consumers.add(V1Consumer.appStream(ledger, app, http, endpoint, operator));
        }
        consumers.add(new V2ReadConsumer(ledger, http, endpoint, "fault-rlp", 2, operator));
        Map<String, URI> metrics = new LinkedHashMap<>();
        for (String component : deployment.componentNames()) {
            metrics.put(component, deployment.metrics(component));
        }
        probe = new FaultProbe(ledger, consumers, 2, () -> {
            System.out.println("consumers per Traffic Controller: " + DropCounters.placement(http, metrics));
            return DropCounters.read(http, metrics);
        }, traffic::failedCalls, new LogCacheCheck(http, endpoint, operator));
        traffic.start();
        report = new FaultReport("2 Dopplers, 2 Traffic Controllers, 1 gateway, each in its own network namespace; "
                + APPS.length + " apps x " + RATE + " lines/s through the v2 gRPC ingress; consumers through the gateway: "
                + "firehose (2 connections, one subscription), 4 app streams, /v2/read (2 connections, one shard)"
                + (LONG ? " (long variant)" : ""));
    }

    @AfterAll
    void stop() {
        if (traffic != null) {
            traffic.close();
        }
        consumers.forEach(Consumer::stop);
        if (report != null) {
            report.write(Path.of("target", "fault-tests.md"));
        }
        if (deployment != null) {
            deployment.close();
        }
    }

    @Test
    @Order(1)
    void dopplerKilled() {
        FaultProbe.Window window = probe.begin("Doppler kill -9, restart");
        system.kill("doppler-0");
        system.restart("doppler-0");
        FaultProbe.Result result = probe.finish(window, System.nanoTime(), PATIENCE);
        report.add(result, "dopplerKilled");
    }

    @Test
    @Order(2)
    void dopplerStopped() {
        FaultProbe.Window window = probe.begin("Doppler SIGTERM, restart");
        system.process("doppler-1").stop(Duration.ofSeconds(20));
        system.restart("doppler-1");
        FaultProbe.Result result = probe.finish(window, System.nanoTime(), PATIENCE);
        report.add(result, "dopplerStopped");
        assertEquals(0, result.lostTotal(), () -> "lost " + result.lost());
    }

    @Test
    @Order(3)
    void trafficControllerKilled() {
        FaultProbe.Window window = probe.begin("Traffic Controller kill -9, restart");
        system.kill("traffic-controller-0");
        system.restart("traffic-controller-0");
        FaultProbe.Result result = probe.finish(window, System.nanoTime(), PATIENCE);
        report.add(result, "trafficControllerKilled");
        assertEquals(result.lost(), result.held(), "every line a client missed while it reconnected is in Log Cache");
    }

    @Test
    @Order(4)
    void trafficControllerStopped() {
        FaultProbe.Window window = probe.begin("Traffic Controller SIGTERM, restart");
        system.process("traffic-controller-1").stop(Duration.ofSeconds(20));
        system.restart("traffic-controller-1");
        FaultProbe.Result result = probe.finish(window, System.nanoTime(), PATIENCE);
        report.add(result, "trafficControllerStopped");
        // The stopping Traffic Controller hands its share of the shared subscriptions to the other one first.
        assertEquals(0, result.lost().get("firehose") + result.lost().get("/v2/read"), () -> "lost " + result.lost());
        assertEquals(result.lost(), result.held(), "every line an app stream missed while it reconnected is in Log Cache");
    }

    @Test
    @Order(5)
    void gatewayKilled() {
        FaultProbe.Window window = probe.begin("gateway kill -9, restart");
        system.kill("gateway");
        system.restart("gateway");
        FaultProbe.Result result = probe.finish(window, System.nanoTime(), PATIENCE);
        report.add(result, "gatewayKilled");
        assertEquals(result.lost(), result.held(), "every line a client missed while it reconnected is in Log Cache");
    }

    @Test
    @Order(6)
    void gatewayStopped() {
        FaultProbe.Window window = probe.begin("gateway SIGTERM, restart");
        system.process("gateway").stop(Duration.ofSeconds(20));
        system.restart("gateway");
        FaultProbe.Result result = probe.finish(window, System.nanoTime(), PATIENCE);
        report.add(result, "gatewayStopped");
        assertEquals(result.lost(), result.held(), "every line a client missed while it reconnected is in Log Cache");
    }

    @Test
    @Order(7)
    void gatewayReloaded() {
        FaultProbe.Window window = probe.begin("gateway reload (`bin/loggregator reload`)");
        ProcessHandle old = ProcessHandle.of(system.process("gateway").pid()).orElseThrow();
        system.reload("gateway");
        // The old process closes the tunnels it still carries at its drain deadline (1001), then exits.
        await().atMost(PATIENCE).until(() -> !old.isAlive());
        FaultProbe.Result result = probe.finish(window, System.nanoTime(), PATIENCE);
        report.add(result, "gatewayReloaded");
        // The old process hands its streams over one at a time, so a shared subscription keeps a member; what a cut
        // connection still carried (a few lines of an event stream) is lost to it, like an app stream's reconnect.
        assertEquals(result.lost(), result.held(), "every line a client missed while it reconnected is in Log Cache");
        int connections = consumers.stream().mapToInt(Consumer::connectionCount).sum();
        assertTrue(result.connectionsCut() <= connections, () -> result.connectionsCut() + " connections ended for "
                + connections + " open: a reconnect failed, so the new gateway refused a connection");
    }

    @Test
    @Order(8)
    void partitionHealed() throws Exception {
        FaultProbe.Window window = probe.begin("partition Traffic Controller 0 - Doppler 0 for " + PARTITION.toSeconds()
                + " s, healed");
        try (AutoCloseable partition = deployment.partition("traffic-controller-0", "doppler-0")) {
            hold(PARTITION);
        }
        FaultProbe.Result result = probe.finish(window, System.nanoTime(), PATIENCE);
        report.add(result, "partitionHealed");
        assertEquals(0, result.lostTotal(), () -> "lost " + result.lost());
    }

    @Test
    @Order(9)
    void partitionBeyondTheReplayRingHealed() throws Exception {
        FaultProbe.Window window = probe.begin("partition Traffic Controller 0 - Doppler 0 for " + LONG_PARTITION.toSeconds()
                + " s (replay ring " + REPLAY_SECONDS + " s), healed");
        try (AutoCloseable partition = deployment.partition("traffic-controller-0", "doppler-0")) {
            hold(LONG_PARTITION);
        }
        FaultProbe.Result result = probe.finish(window, System.nanoTime(), PATIENCE);
        report.add(result, "partitionBeyondTheReplayRingHealed");
        // Group links hold what the Doppler queued for them; app streams get the ring's replay, and what it
        // no longer held is counted and told in the app's stream.
        assertEquals(0, result.lost().get("firehose") + result.lost().get("/v2/read"), () -> "lost " + result.lost());
        long lost = result.lost().get("app streams");
        assertTrue(lost == 0 || result.notices() > 0 && result.counted().getOrDefault("replay_gap", 0L) >= lost,
                () -> "lost " + lost + " with " + result.notices() + " notices, counted " + result.counted());
    }

    @Test
    @Order(10)
    void slowLossyLink() throws Exception {
        FaultProbe.Window window = probe.begin("50 ms each way and 5 % packet loss on " + deployment.relayedLink()
                + " for " + DEGRADED.toSeconds() + " s");
        try (AutoCloseable degraded = deployment.degradeLink(Duration.ofMillis(50), 5)) {
            hold(DEGRADED);
        }
        FaultProbe.Result result = probe.finish(window, System.nanoTime(), PATIENCE);
        report.add(result, "slowLossyLink");
        assertEquals(0, result.lostTotal(), () -> "lost " + result.lost());
    }

    @BeforeEach
    void spreadConsumers() {
        connectConsumers(Duration.ofSeconds(120));
    }

    /**
     * (Re)connects every consumer, one connection at a time in the order firehose, firehose, /v2/read,
     * /v2/read, app streams, so that the gateway's least-connections balance puts one member of each
     * shared subscription and half the app streams on each Traffic Controller; then judges lines from
     * the moment all flow. Each fault starts from this state (a fault before moved everyone to one side).
     */
    private void connectConsumers(Duration patience) {
        consumers.forEach(Consumer::stop);
        List<Consumer> order = new ArrayList<>();
        for (Consumer consumer : consumers) {
            for (int i = 0; i < consumer.connectionCount(); i++) {
                order.add(consumer);
            }
        }
        order.sort(java.util.Comparator.comparing(c -> c.name().startsWith("app stream")));
        for (Consumer consumer : order) {
            int opened = consumer.openConnections() + 1;
            consumer.startConnection();
            await().atMost(patience).until(() -> consumer.openConnections() >= opened);
        }
        long connected = System.nanoTime();
        probe.awaitFlowing(connected, patience);
        probe.judgeFromNow();
    }

    /** Keeps a fault in place for its duration (the fault's length, not a wait for something to happen). */
    private static void hold(Duration duration) {
        LockSupport.parkNanos(duration.toNanos());
    }
}
