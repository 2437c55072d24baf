package dev.loggregator.trafficcontroller.stream;

import static dev.loggregator.testsupport.TestApps.guid;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.trafficcontroller.support.Cluster;
import dev.loggregator.trafficcontroller.support.Envelopes;
import dev.loggregator.trafficcontroller.support.Probes;
import dev.loggregator.trafficcontroller.support.RawWebSocket;
import dev.loggregator.trafficcontroller.support.StreamClient;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading is cut as a slow consumer, not by the keepalive: its own cluster
 * with pings far apart, since a stalled socket answers no ping either and a short keepalive
 * would race the slow-consumer check on a slow machine.
 */
class SlowConsumerTest {
    private static Cluster cluster;

    @BeforeAll
    static void start() throws IOException {
        cluster = Cluster.start(1, 1, """
                keepalive_seconds: 300
                slow_consumer_timeout_seconds: 5
                outgoing_buffer_size: 2000
                auth: {disable_access_control: true}
                """, "");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aClientThatTakesNoDataIsClosedAndCountedWhileOthersKeepReceiving() throws Exception {
        StreamClient healthy = StreamClient.open(cluster.ws(0) + "/apps/" + guid("slow-app") + "/stream", null);
        try (RawWebSocket stalled = RawWebSocket.open(cluster.tcPort(0), "/apps/" + guid("slow-app") + "/stream", new byte[0], 4096)) {
            assertTrue(stalled.upgraded(), stalled.statusLine());
            Probes.awaitFlowing(cluster, guid("slow-app"), healthy);
            long before = Cluster.sample(cluster.tcMetrics(0), "doppler_proxy_slow_consumer_total");
            // Far more than socket buffers hold, so the stalled client's side backs up.
            List<byte[]> burst = new ArrayList<>();
            String padding = "x".repeat(1000);
            for (int i = 0; i < 20_000; i++) {
                burst.add(Envelopes.log(guid("slow-app"), "burst-" + i + padding));
            }
            cluster.emit(0, burst);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    Cluster.sample(cluster.tcMetrics(0), "doppler_proxy_slow_consumer_total") > before);
            assertTrue(cluster.trafficController(0).output().contains("Slow Consumer"));
            // The stalled socket is closed by the Traffic Controller: draining it ends in EOF.
            stalled.socket().setSoTimeout(20_000);
            InputStream in = stalled.socket().getInputStream();
            byte[] buffer = new byte[64 * 1024];
            try {
                while (in.read(buffer) >= 0) {
                    // discard
                }
            } catch (IOException reset) {
                // a reset also ends it
            }
            // The healthy client kept up (5 s of leeway on a loaded machine) and still receives.
            assertEquals(-2, healthy.closeCode(), "the healthy client was closed: " + healthy.closeReason());
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                cluster.emit(0, Envelopes.log(guid("slow-app"), "after-slow"));
                return healthy.texts().contains("after-slow");
            });
            assertEquals(-2, healthy.closeCode());

            // The stalled client could not read a notice; its next connection is told what it lost, first.
            StreamClient next = StreamClient.open(cluster.ws(0) + "/apps/" + guid("slow-app") + "/stream", null);
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> next.dropNotices() > 0);
            } finally {
                next.closeBlocking();
            }
        } finally {
            healthy.closeBlocking();
        }
    }
}
