package dev.loggregator.trafficcontroller.v2;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.loggregator.trafficcontroller.support.Cluster;
import dev.loggregator.trafficcontroller.support.SseClient;
import dev.loggregator.trafficcontroller.support.V2Sender;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Event;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A {@code /v2/read} reader that stops reading loses envelopes alone (drop, never block): a reader
 * beside it gets everything, and the stalled one finds the drop notice in its stream once it reads: the
 * {@code LGR} log in its source's name, as it reads logs; not the counter, as it reads no counters.
 */
class SlowSseReaderTest {
    private static Cluster cluster;
    private static V2Sender sender;

    @BeforeAll
    static void start() throws IOException {
        cluster = Cluster.start(1, 1, """
                auth: {disable_access_control: true}
                outgoing_buffer_size: 500
                slow_consumer_timeout_seconds: 600
                """);
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
    }

    @Test
    void aStalledReaderLosesAloneAndIsToldWhatItMissed() throws Exception {
        String source = UUID.randomUUID().toString();
        String query = "/v2/read?log&event&source_id=" + source;
        try (Socket stalled = new Socket();
             SseClient fast = SseClient.open(cluster.http(0) + query, null)) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", cluster.tcPort(0)), 10_000);
            stalled.getOutputStream().write(("GET " + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                sender.send(List.of(Envelope.newBuilder().setSourceId(source)
                        .setEvent(Event.newBuilder().setTitle("probe")).build()));
                return fast.envelopes().stream().anyMatch(Envelope::hasEvent)
                        && Cluster.sample(cluster.tcMetrics(0), "doppler_proxy_streams{endpoint=\"v2_read\"}") == 2;
            });
            // Sent in steps the fast reader keeps pace with (a burst beyond its 500-envelope queue
            // would cost it too: drop, never block), while the stalled one reads nothing at all.
            String padding = "p".repeat(2000);
            int total = 20_000;
            for (int step = 0; step < total; step += 250) {
                List<Envelope> burst = new ArrayList<>();
                for (int i = step; i < step + 250; i++) {
                    burst.add(Envelope.newBuilder().setSourceId(source).setTimestamp(i + 1)
                            .setLog(Log.newBuilder().setPayload(ByteString.copyFromUtf8("line " + i + padding))).build());
                }
                sender.send(burst);
                long sent = step + 250;
                await().atMost(Duration.ofSeconds(30)).until(() -> logsRead(fast) >= sent);
            }
            assertEquals(total, logsRead(fast), "the fast reader got every envelope once");
            assertTrue(Cluster.sample(cluster.tcMetrics(0), "doppler_proxy_dropped_total{endpoint=\"v2_read\"}") > 0,
                    "the stalled reader lost envelopes");

            // Now it reads: what was buffered, then the notice of what it missed.
            stalled.setSoTimeout(30_000);
            InputStream in = stalled.getInputStream();
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            byte[] buffer = new byte[64 * 1024];
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            String text = "";
            while (System.nanoTime() < deadline && !text.contains("\"source_type\":\"LGR\"")) {
                sender.send(List.of(Envelope.newBuilder().setSourceId(source)
                        .setEvent(Event.newBuilder().setTitle("nudge")).build()));
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                seen.write(buffer, 0, n);
                text = seen.toString(StandardCharsets.UTF_8);
            }
            assertTrue(text.contains("\"source_type\":\"LGR\""), "the drop notice reached the stalled reader");
            // in the same event as the log notice, were it sent: this reader asked for no counters
            assertFalse(text.contains("TruncatingBuffer.DroppedMessages"), "no counter the reader's selectors do not take");
        }
    }

    private static long logsRead(SseClient reader) {
        return reader.envelopes().stream().filter(e -> e.hasLog() && e.getTimestamp() > 0).count();
    }
}
