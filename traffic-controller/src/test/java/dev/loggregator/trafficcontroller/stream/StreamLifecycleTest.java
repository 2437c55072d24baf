package dev.loggregator.trafficcontroller.stream;

import static dev.loggregator.testsupport.TestApps.guid;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.trafficcontroller.support.Cluster;
import dev.loggregator.trafficcontroller.support.Envelopes;
import dev.loggregator.trafficcontroller.support.FrameCounter;
import dev.loggregator.trafficcontroller.support.Probes;
import dev.loggregator.trafficcontroller.support.RawWebSocket;
import dev.loggregator.trafficcontroller.support.StreamClient;
import dev.loggregator.trafficcontroller.support.V2Sender;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keepalive, idle streams, shared app-stream links, Doppler restarts and PROXY protocol, against real processes. */
class StreamLifecycleTest {
    private static Cluster cluster;

    @BeforeAll
    static void start() throws IOException {
        cluster = Cluster.start(2, 1, """
                keepalive_seconds: 3
                proxy_protocol: true
                auth: {disable_access_control: true}
                limits: {max_connections_per_address: 1000}
                """, "");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aClientThatStopsAnsweringPingsIsClosedWith1008AndTheOriginalReason() throws Exception {
        StreamClient silent = StreamClient.open(cluster.ws(0) + "/apps/" + guid("keepalive-app") + "/stream", null, false);
        StreamClient polite = StreamClient.open(cluster.ws(0) + "/apps/" + guid("keepalive-app") + "/stream", null, true);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> silent.closeCode() != -2);
            assertEquals(1008, silent.closeCode());
            assertEquals("Client did not respond to ping before keep-alive timeout expired.", silent.closeReason());
            // Pings every 3 s, 6 s to answer: a client that answers outlives several rounds.
            await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(12)).until(() -> polite.closeCode() == -2);
        } finally {
            polite.closeBlocking();
        }
    }

    @Test
    void aDopplerRestartDoesNotEndTheStream() throws Exception {
        StreamClient client = StreamClient.open(cluster.ws(0) + "/apps/" + guid("restart-app") + "/stream", null);
        StreamClient firehose = StreamClient.open(cluster.ws(0) + "/firehose/restart-sub", null);
        try {
            Probes.awaitFlowing(cluster, guid("restart-app"), new int[] {0, 1}, client, firehose);
            cluster.doppler(1).kill();
            cluster.emit(0, Envelopes.log(guid("restart-app"), "while-down"));
            await().atMost(Duration.ofSeconds(20)).until(() -> client.texts().contains("while-down")
                    && firehose.texts().contains("while-down"));
            cluster.startDoppler(1);
            cluster.awaitDopplerHealthy(1);
            Probes.awaitFlowing(cluster, guid("restart-app"), new int[] {1}, client, firehose);
            cluster.emit(1, Envelopes.log(guid("restart-app"), "after-restart"));
            await().atMost(Duration.ofSeconds(20)).until(() -> client.texts().contains("after-restart")
                    && firehose.texts().contains("after-restart"));
            assertEquals(-2, client.closeCode());
            assertEquals(-2, firehose.closeCode());
        } finally {
            client.closeBlocking();
            firehose.closeBlocking();
        }
    }

    @Test
    void everythingARestartedDopplerTakesBeforeItIsLinkedAgainIsDelivered() throws Exception {
        StreamClient client = StreamClient.open(cluster.ws(0) + "/apps/" + guid("resume-app") + "/stream", null);
        StreamClient firehose = StreamClient.open(cluster.ws(0) + "/firehose/resume-sub", null);
        try {
            Probes.awaitFlowing(cluster, guid("resume-app"), new int[] {0, 1}, client, firehose);
            cluster.doppler(1).kill();
            cluster.startDoppler(1);
            cluster.awaitDopplerHealthy(1);
            // At once, before the Traffic Controller has linked the new process: the replay ring holds them.
            List<byte[]> numbered = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                numbered.add(Envelopes.log(guid("resume-app"), "numbered-" + i));
            }
            cluster.emit(1, numbered);
            await().atMost(Duration.ofSeconds(20)).until(() -> count(client, "numbered-") == 500
                    && count(firehose, "numbered-") == 500);
            assertEquals(-2, client.closeCode());
        } finally {
            client.closeBlocking();
            firehose.closeBlocking();
        }
    }

    @Test
    void aDopplerStoppedWithSigtermLosesNothingItAccepted() throws Exception {
        StreamClient firehose = StreamClient.open(cluster.ws(0) + "/firehose/sigterm-sub", null);
        try (V2Sender toStopping = new V2Sender(cluster.dopplerGrpcPort(1));
             V2Sender toOther = new V2Sender(cluster.dopplerGrpcPort(0))) {
            Probes.awaitFlowing(cluster, "sigterm-app", new int[] {0, 1}, firehose);
            java.util.concurrent.atomic.AtomicInteger failedOver = new java.util.concurrent.atomic.AtomicInteger();
            Thread stopper = new Thread(() -> cluster.doppler(1).terminate(30));
            int batches = 400;
            for (int b = 0; b < batches; b++) {
                if (b == batches / 4) {
                    stopper.start(); // SIGTERM while batches keep coming
                }
                List<org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope> batch = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    batch.add(org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope.newBuilder()
                            .setSourceId("sigterm-app").setTimestamp(System.nanoTime())
                            .setLog(org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log.newBuilder()
                                    .setPayload(com.google.protobuf.ByteString.copyFromUtf8("seq-" + (b * 10 + i)))).build());
                }
                try {
                    toStopping.send(batch);
                } catch (io.grpc.StatusRuntimeException refused) {
                    // Not accepted: an agent sends it to another Doppler.
                    failedOver.incrementAndGet();
                    toOther.send(batch);
                }
            }
            stopper.join();
            assertTrue(failedOver.get() > 0, "the stopping Doppler refused calls after SIGTERM");
            await().atMost(Duration.ofSeconds(20)).until(() -> count(firehose, "seq-") == batches * 10L);
        } finally {
            firehose.closeBlocking();
            cluster.startDoppler(1);
            cluster.awaitDopplerHealthy(1);
        }
    }

    private static long count(StreamClient stream, String prefix) {
        return stream.texts().stream().filter(text -> text.startsWith(prefix)).distinct().count();
    }

    @Test
    void proxyProtocolHeadersGiveTheRealClientAddressAndPlainConnectionsStillWork() throws Exception {
        byte[] v1 = ("PROXY TCP4 203.0.113.7 127.0.0.1 40001 " + cluster.tcPort(0) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        try (RawWebSocket proxied = RawWebSocket.open(cluster.tcPort(0), "/apps/" + guid("proxied-v1") + "/stream", v1, 0)) {
            assertTrue(proxied.upgraded(), proxied.statusLine());
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    cluster.trafficController(0).output().contains("203.0.113.7:40001"));
        }
        byte[] v2 = encode(new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.PROXY,
                HAProxyProxiedProtocol.TCP4, "198.51.100.9", "127.0.0.1", 40002, cluster.tcPort(0)));
        try (RawWebSocket proxied = RawWebSocket.open(cluster.tcPort(0), "/apps/" + guid("proxied-v2") + "/stream", v2, 0)) {
            assertTrue(proxied.upgraded(), proxied.statusLine());
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    cluster.trafficController(0).output().contains("198.51.100.9:40002"));
        }
        assertEquals(200, Cluster.get(cluster.http(0) + "/apps/" + guid("plain") + "/recentlogs").statusCode());
    }

    @Test
    void manyIdleStreamsAreHeldThroughKeepaliveRounds() throws Exception {
        // The 10,000-stream version is in TrafficControllerBenchmark (idle); this one fits any CI's file limits.
        int streams = 500;
        try (FrameCounter counter = new FrameCounter(-1, 512)) {
            for (int i = 0; i < streams; i++) {
                counter.connect(cluster.tcPort(0), "/apps/" + guid("idle-" + (i % 50)) + "/stream");
            }
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    Cluster.sample(cluster.tcMetrics(0), "doppler_proxy_app_streams") >= streams);
            // Pings every 3 s must be answered within 6 s: 10 s is several rounds.
            await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(14))
                    .until(() -> counter.openConnections() == streams && counter.closedConnections() == 0);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> Cluster.sample(cluster.tcMetrics(0), "doppler_proxy_app_streams") == 0);
    }

    @Test
    void appStreamsOfManyAppsShareOneLinkPerDopplerAndAppsAreUnfollowedWithTheirLastClient() throws Exception {
        // Earlier tests' links and followed apps are released asynchronously after their clients close:
        // start from the quiet state (one app-stream link per Doppler, nothing followed) so they cannot move the counts.
        long linksBefore = 2;
        await().atMost(Duration.ofSeconds(20)).until(() ->
                Cluster.sample(cluster.tcMetrics(0), "doppler_proxy_doppler_links") == linksBefore
                        && Cluster.sample(cluster.dopplerMetrics(0), "doppler_app_streams") == 0
                        && Cluster.sample(cluster.dopplerMetrics(1), "doppler_app_streams") == 0);
        int apps = 30;
        List<StreamClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < apps; i++) {
                clients.add(StreamClient.open(cluster.ws(0) + "/apps/" + guid("many-" + i) + "/stream", null));
            }
            Map<String, List<StreamClient>> clientsByApp = new LinkedHashMap<>();
            for (int i = 0; i < apps; i++) {
                clientsByApp.put(guid("many-" + i), List.of(clients.get(i)));
            }
            Probes.awaitFlowing(cluster, clientsByApp, new int[] {0, 1});
            for (int i = 0; i < apps; i++) {
                cluster.emit(i % 2, Envelopes.log(guid("many-" + i), "line-of-" + i));
            }
            for (int i = 0; i < apps; i++) {
                StreamClient client = clients.get(i);
                String own = "line-of-" + i;
                await().atMost(Duration.ofSeconds(20)).until(() -> client.texts().contains(own));
                assertEquals(List.of(own), client.texts().stream().filter(t -> t.startsWith("line-of-")).toList(),
                        "each client gets its own app's lines only");
            }
            assertEquals(linksBefore, Cluster.sample(cluster.tcMetrics(0), "doppler_proxy_doppler_links"),
                    "app streams of new apps open no Doppler links");
            for (int doppler = 0; doppler < 2; doppler++) {
                assertEquals(apps, Cluster.sample(cluster.dopplerMetrics(doppler), "doppler_app_streams"));
            }
        } finally {
            for (StreamClient client : clients) {
                client.closeBlocking();
            }
        }
        for (int doppler = 0; doppler < 2; doppler++) {
            int d = doppler;
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Cluster.sample(cluster.dopplerMetrics(d), "doppler_app_streams") == 0);
        }
    }

    private static byte[] encode(HAProxyMessage message) {
        EmbeddedChannel channel = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        channel.writeOutbound(message);
        ByteBuf encoded = channel.readOutbound();
        byte[] bytes = new byte[encoded.readableBytes()];
        encoded.readBytes(bytes);
        encoded.release();
        channel.finishAndReleaseAll();
        return bytes;
    }

}
