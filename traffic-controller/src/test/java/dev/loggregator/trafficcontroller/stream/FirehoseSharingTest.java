package dev.loggregator.trafficcontroller.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.trafficcontroller.support.Cluster;
import dev.loggregator.trafficcontroller.support.Envelopes;
import dev.loggregator.trafficcontroller.support.FrameCounter;
import dev.loggregator.trafficcontroller.support.Probes;
import dev.loggregator.trafficcontroller.support.RawWebSocket;
import dev.loggregator.trafficcontroller.support.StreamClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Firehose clients sharing a subscription id share the stream even when connected to different
 * Traffic Controllers (each TC forwards the id to every Doppler); a different id gets everything.
 */
class FirehoseSharingTest {
    private static Cluster cluster;

    @BeforeAll
    static void start() throws IOException {
        cluster = Cluster.start(2, 2, """
                auth: {disable_access_control: true}
                outgoing_buffer_size: 5000
                slow_consumer_timeout_seconds: 60
                keepalive_seconds: 300
                """);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void clientsWithTheSameIdOnTwoTrafficControllersSplitTheStreamWithoutDuplicates() throws Exception {
        StreamClient first = StreamClient.open(cluster.ws(0) + "/firehose/shared", null);
        StreamClient second = StreamClient.open(cluster.ws(1) + "/firehose/shared", null);
        StreamClient other = StreamClient.open(cluster.ws(1) + "/firehose/other", null);
        try {
            Probes.awaitFlowing(cluster, "sharing-app", new int[] {0, 1}, first, second, other);
            int perDoppler = 500;
            for (int doppler = 0; doppler < 2; doppler++) {
                List<byte[]> batch = new ArrayList<>();
                for (int i = 0; i < perDoppler; i++) {
                    batch.add(Envelopes.log("sharing-app", "m-" + doppler + "-" + i));
                }
                cluster.emit(doppler, batch);
            }
            int total = 2 * perDoppler;
            await().atMost(Duration.ofSeconds(30)).until(() -> other.texts().size() >= total
                    && first.texts().size() + second.texts().size() >= total);
            assertEquals(total, new HashSet<>(other.texts()).size());
            Set<String> shared = new HashSet<>(first.texts());
            int firstCount = shared.size();
            shared.addAll(second.texts());
            assertEquals(total, shared.size(), "together the sharing clients saw every envelope");
            assertEquals(total, first.texts().size() + second.texts().size(), "and none twice");
            assertTrue(firstCount > total / 4 && second.texts().size() > total / 4,
                    "both members got a share: " + firstCount + " / " + second.texts().size());
        } finally {
            first.closeBlocking();
            second.closeBlocking();
            other.closeBlocking();
        }
    }

    @Test
    void aClientThatFallsBehindIsToldHowManyEnvelopesItMissedWhileOthersLoseNothing() throws Exception {
        // Links of earlier tests' clients close asynchronously: wait for only the app-stream links (one per Doppler).
        await().atMost(Duration.ofSeconds(20)).until(() -> links() == 2);
        StreamClient probe = StreamClient.open(cluster.ws(0) + "/firehose/drop-probe?filter-type=logs", null);
        byte[] sample = Envelopes.log("drop-app", String.format("d-%05d", 0) + "y".repeat(1000));
        try (FrameCounter fast = new FrameCounter(sample.length, 1 << 20);
             RawWebSocket paused = RawWebSocket.open(cluster.tcPort(0), "/firehose/drop-paused?filter-type=logs",
                new byte[0], 4096)) {
            assertTrue(paused.upgraded(), paused.statusLine());
            fast.connect(cluster.tcPort(0), "/firehose/drop-fast?filter-type=logs");
            // Each firehose client has its own link to each Doppler: all six open, nothing of the burst is missed.
            await().atMost(Duration.ofSeconds(20)).until(() -> links() == 2 + 3 * 2);
            Probes.awaitFlowing(cluster, "drop-app", new int[] {0, 1}, probe);
            int total = 20_000;
            List<byte[]> burst = new ArrayList<>();
            String padding = "y".repeat(1000);
            for (int i = 0; i < total; i++) {
                burst.add(Envelopes.log("drop-app", String.format("d-%05d", i) + padding));
            }
            cluster.emit(0, burst);
            await().atMost(Duration.ofSeconds(60)).until(() -> fast.framesOfSize() >= total);
            assertEquals(total, fast.framesOfSize(), "the fast client lost nothing");

            // The paused client now reads: among what it gets is the notice of what it missed.
            paused.socket().setSoTimeout(30_000);
            Envelope notice = null;
            int logs = 0;
            while (notice == null) {
                RawWebSocket.Frame frame = paused.readFrame();
                if (frame.opcode() == 9) {
                    continue;
                }
                Envelope envelope = Envelopes.parse(frame.payload());
                if (envelope.hasLogMessage() && envelope.getLogMessage().getSourceType().equals("LGR")) {
                    notice = envelope;
                } else if (envelope.hasLogMessage()) {
                    logs++;
                }
            }
            assertEquals("LoggregatorTrafficController", notice.getOrigin());
            assertEquals("drop-app", notice.getLogMessage().getAppId());
            assertTrue(notice.getLogMessage().getMessage().toStringUtf8().startsWith("Log message output is too high."));
            assertTrue(logs < total, "the paused client cannot have had everything: " + logs);
        } finally {
            probe.closeBlocking();
        }
    }

    private static long links() throws IOException {
        return Cluster.sample(cluster.tcMetrics(0), "doppler_proxy_doppler_links");
    }
}
