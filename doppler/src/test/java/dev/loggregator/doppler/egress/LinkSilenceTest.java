package dev.loggregator.doppler.egress;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.doppler.support.BatchSubscriber;
import dev.loggregator.doppler.support.Envelopes;
import dev.loggregator.doppler.support.TcpSender;
import dev.loggregator.testsupport.DopplerNode;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Traffic Controller's link counts as silent only when nothing is read on it and nothing written for
 * {@code doppler.link_silence_seconds} (docs/internal-protocol.md): a busy link whose reader never pings stays
 * open, an idle one that nobody pings is closed, and so is one whose reader stopped taking bytes while the
 * Doppler still has envelopes for it (a partition: the socket's buffers fill and no write completes). The
 * subscribers here never ping ({@link BatchSubscriber} has no connection-lost check).
 */
class LinkSilenceTest {
    private static final int SILENCE_SECONDS = 3;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SILENT_CLOSES = "doppler_refused_connections_total{reason=\"subscriber_silent\"}";
    private static DopplerNode doppler;

    @BeforeAll
    static void start() {
        doppler = DopplerNode.builder().name("link-silence")
                .set("link_silence_seconds", SILENCE_SECONDS)
                .set("link_buffer_bytes", 1 << 20)
                .set("metrics_interval_seconds", 3600) // nothing but the tests' envelopes in the firehose
                .start();
    }

    @AfterAll
    static void stop() {
        doppler.close();
    }

    @Test
    void aLinkThatOnlyReadsStaysOpenWhileItsEnvelopesFlow() throws Exception {
        double closedBefore = doppler.metric(SILENT_CLOSES);
        BatchSubscriber link = BatchSubscriber.connect(doppler.wsUrl("/firehose/busy"));
        AtomicInteger sent = new AtomicInteger();
        try (TcpSender tcp = TcpSender.connect(doppler.tcpPort())) {
            // One envelope every 300 ms for twice the silence: the link writes, its reader never writes back.
            await("the busy link stays open").during(Duration.ofSeconds(2L * SILENCE_SECONDS)).atMost(WAIT).pollInterval(Duration.ofMillis(300))
                    .until(() -> {
                        tcp.send(Envelopes.v1Log("busy-app", "line " + sent.getAndIncrement())).flush();
                        return link.isOpen();
                    });
        }
        await().atMost(WAIT).until(() -> link.envelopes().size() >= sent.get());
        assertTrue(link.isOpen(), "the busy link is still open");
        assertEquals(closedBefore, doppler.metric(SILENT_CLOSES), "no link closed as silent");
        link.closeBlocking();
    }

    @Test
    void aLinkWithNothingEitherWayIsClosedAndCounted() throws Exception {
        double closedBefore = doppler.metric(SILENT_CLOSES);
        BatchSubscriber link = BatchSubscriber.connect(doppler.wsUrl("/firehose/idle"));
        await("the idle link closed").atMost(WAIT).until(link::isClosed);
        await("one silent link counted").atMost(WAIT).until(() -> doppler.metric(SILENT_CLOSES) == closedBefore + 1);
    }

    @Test
    void aLinkWhoseReaderStoppedIsClosedThoughTheDopplerHasEnvelopesForIt() throws Exception {
        double closedBefore = doppler.metric(SILENT_CLOSES);
        BatchSubscriber link = BatchSubscriber.connect(doppler.wsUrl("/firehose/stuck"));
        link.pause();
        // Far more than the loopback socket's buffers and the link's 1 MiB queue hold: writes stop completing.
        String padding = "x".repeat(1000);
        try (TcpSender tcp = TcpSender.connect(doppler.tcpPort())) {
            for (int i = 0; i < 30_000; i++) {
                tcp.send(Envelopes.v1Log("stuck-app", "line " + i + padding));
            }
            tcp.flush();
        }
        // The link's reader really stopped taking bytes: its queue is full and sheds.
        await().atMost(WAIT).until(() -> doppler.metric("doppler_dropped_envelopes_total{reason=\"slow_subscriber\"}") > 0);
        await("the stuck link closed as silent").atMost(WAIT).until(() -> doppler.metric(SILENT_CLOSES) == closedBefore + 1);
        link.resume();
        await().atMost(WAIT).until(link::isClosed);
    }
}
