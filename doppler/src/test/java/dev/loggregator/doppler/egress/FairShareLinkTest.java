package dev.loggregator.doppler.egress;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.doppler.support.BatchSubscriber;
import dev.loggregator.doppler.support.Envelopes;
import dev.loggregator.doppler.support.TcpSender;
import dev.loggregator.testsupport.DopplerNode;
import dev.loggregator.wire.multiplex.AppStreamMultiplex;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A link that cannot keep up sheds the app sending most: a quiet app followed on the same multiplexed
 * link as a noisy one loses nothing, and the noisy app's loss is counted and noticed in its own stream.
 */
class FairShareLinkTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static DopplerNode doppler;

    @BeforeAll
    static void start() {
        doppler = DopplerNode.builder().name("fair-share").set("link_buffer_bytes", 4 << 20).start();
    }

    @AfterAll
    static void stop() {
        doppler.close();
    }

    @Test
    void theQuietAppLosesNothingWhileTheNoisyOneIsThrottled() throws Exception {
        BatchSubscriber link = BatchSubscriber.connectMultiplexed(doppler.wsUrl(AppStreamMultiplex.PATH));
        link.send(AppStreamMultiplex.subscribe("noisy"));
        link.send(AppStreamMultiplex.subscribe("quiet"));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            try (TcpSender tcp = TcpSender.connect(doppler.tcpPort())) {
                tcp.send(Envelopes.v1Log("noisy", "probe")).send(Envelopes.v1Log("quiet", "probe")).flush();
            }
            return link.envelopesTagged("noisy").size() > 0 && link.envelopesTagged("quiet").size() > 0;
        });
        link.pause();
        String padding = "x".repeat(1000);
        int noisy = 30_000;
        int quiet = 0;
        try (TcpSender tcp = TcpSender.connect(doppler.tcpPort())) {
            for (int i = 0; i < noisy; i++) {
                tcp.send(Envelopes.v1Log("noisy", "n-" + i + padding));
                if (i % 300 == 0) {
                    tcp.send(Envelopes.v1Log("quiet", "q-" + quiet++));
                }
            }
            tcp.flush();
        }
        int quietSent = quiet;
        double dropped = doppler.metric("doppler_dropped_envelopes_total{reason=\"slow_subscriber\"}");
        assertTrue(dropped > 0, "the link was really overloaded");
        link.resume();
        await().atMost(WAIT).until(() -> link.envelopesTagged("quiet").stream()
                .filter(e -> e.hasLogMessage() && Envelopes.text(e).startsWith("q-")).count() == quietSent);
        await().atMost(WAIT).until(() -> link.envelopesTagged("noisy").stream()
                .anyMatch(e -> e.hasCounterEvent() && e.getCounterEvent().getName().equals("TruncatingBuffer.DroppedMessages")));
        long noisyReceived = link.envelopesTagged("noisy").stream()
                .filter(e -> e.hasLogMessage() && Envelopes.text(e).startsWith("n-")).count();
        long noisyNoticed = link.envelopesTagged("noisy").stream()
                .filter(e -> e.hasCounterEvent() && e.getCounterEvent().getName().equals("TruncatingBuffer.DroppedMessages"))
                .mapToLong(e -> e.getCounterEvent().getDelta()).sum();
        assertEquals(noisy, noisyReceived + noisyNoticed, "every noisy envelope is either received or noticed as lost");
        assertEquals(0, link.envelopesTagged("quiet").stream().filter(e -> e.hasCounterEvent()).count(),
                "the quiet app lost nothing, so it gets no notice");
        link.closeBlocking();
    }
}
