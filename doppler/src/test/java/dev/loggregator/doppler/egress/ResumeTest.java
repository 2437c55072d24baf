package dev.loggregator.doppler.egress;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.doppler.support.BatchSubscriber;
import dev.loggregator.doppler.support.Envelopes;
import dev.loggregator.doppler.support.HttpBatches;
import dev.loggregator.doppler.support.TcpSender;
import dev.loggregator.testsupport.DopplerNode;
import dev.loggregator.wire.framing.LinkSequence;
import dev.loggregator.wire.multiplex.AppStreamMultiplex;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A link that comes back after a break (docs/internal-protocol.md, "Resuming a link") gets what it
 * missed from the replay ring: for a firehose group nobody else took the envelopes of, for an app
 * stream, and after the Doppler itself restarted; beyond the ring the loss is told. A new link gets no history.
 */
class ResumeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static DopplerNode doppler;

    @BeforeAll
    static void start() {
        doppler = DopplerNode.builder().name("resume").set("replay_buffer_size", 200).start();
    }

    @AfterAll
    static void stop() {
        doppler.close();
    }

    private static void emit(String app, String prefix, int from, int to) {
        try (TcpSender tcp = TcpSender.connect(doppler.tcpPort())) {
            for (int i = from; i < to; i++) {
                tcp.send(Envelopes.v1Log(app, prefix + i));
            }
            tcp.flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> texts(BatchSubscriber link, String prefix) {
        return link.envelopes(e -> e.hasLogMessage() && Envelopes.text(e).startsWith(prefix)).stream()
                .map(Envelopes::text).toList();
    }

    private static String resume(String point) {
        return LinkSequence.RESUME_PARAMETER + "=" + URLEncoder.encode(point, StandardCharsets.UTF_8);
    }

    /** Closes a firehose link and waits until the Doppler has let go of it (its group is then empty). */
    private static void closeFirehose(BatchSubscriber link) throws InterruptedException {
        double before = doppler.metric("doppler_firehose_subscriptions");
        link.closeBlocking();
        await().atMost(WAIT).until(() -> doppler.metric("doppler_firehose_subscriptions") < before);
    }

    /** Reads until the link has seen {@code prefix + (count - 1)}, so its sequence number covers all of them. */
    private static void awaitAll(BatchSubscriber link, String prefix, int count) {
        await().atMost(WAIT).until(() -> texts(link, prefix).size() >= count);
    }

    @Test
    void aFirehoseLinkThatComesBackGetsWhatItsGroupMissed() throws Exception {
        String app = "app-" + UUID.randomUUID();
        String subscription = "resume-" + UUID.randomUUID();
        BatchSubscriber first = BatchSubscriber.connect(doppler.wsUrl("/firehose/" + subscription));
        emit(app, "before-", 0, 5);
        awaitAll(first, "before-", 5);
        await().atMost(WAIT).until(() -> first.lastSequence() > 0);
        String point = first.resumePoint();
        closeFirehose(first);
        emit(app, "missed-", 0, 50);
        BatchSubscriber second = BatchSubscriber.connect(doppler.wsUrl("/firehose/" + subscription + "?" + resume(point)));
        emit(app, "after-", 0, 5);
        awaitAll(second, "after-", 5);
        List<String> missed = texts(second, "missed-");
        assertEquals(50, missed.size(), "everything sent while the group had no member");
        for (int i = 0; i < 50; i++) {
            assertEquals("missed-" + i, missed.get(i));
        }
        assertEquals(List.of(), texts(second, "before-"), "nothing it had already");
        second.closeBlocking();
    }

    @Test
    void aNewLinkGetsNoHistory() throws Exception {
        String app = "app-" + UUID.randomUUID();
        emit(app, "old-", 0, 10);
        // routed before the link opens (the router writes the store), or the last of them could reach it live
        await().atMost(WAIT).until(() -> HttpBatches.envelopes(doppler.wsPort(), "/apps/" + app + "/recentlogs").size() == 10);
        BatchSubscriber fresh = BatchSubscriber.connect(doppler.wsUrl("/firehose/fresh-" + UUID.randomUUID()));
        emit(app, "new-", 0, 5);
        awaitAll(fresh, "new-", 5);
        assertEquals(List.of(), texts(fresh, "old-"));
        fresh.closeBlocking();
    }

    @Test
    void aMultiplexedLinkReplaysEachAppItResumes() throws Exception {
        String app = "app-" + UUID.randomUUID();
        BatchSubscriber first = BatchSubscriber.connectMultiplexed(doppler.wsUrl(AppStreamMultiplex.PATH));
        first.send(AppStreamMultiplex.subscribe(app));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            emit(app, "probe-", 0, 1);
            return !texts(first, "probe-").isEmpty();
        });
        await().atMost(WAIT).until(() -> first.lastSequence() > 0);
        String point = first.resumePoint();
        first.closeBlocking();
        emit(app, "missed-", 0, 30);
        BatchSubscriber second = BatchSubscriber.connectMultiplexed(doppler.wsUrl(AppStreamMultiplex.PATH + "?" + resume(point)));
        second.send(AppStreamMultiplex.resume(app));
        awaitAll(second, "missed-", 30);
        List<String> missed = texts(second, "missed-");
        for (int i = 0; i < 30; i++) {
            assertEquals("missed-" + i, missed.get(i));
        }
        second.closeBlocking();
    }

    @Test
    void beyondTheRingTheLossIsToldToTheLink() throws Exception {
        String app = "app-" + UUID.randomUUID();
        String subscription = "gap-" + UUID.randomUUID();
        BatchSubscriber first = BatchSubscriber.connect(doppler.wsUrl("/firehose/" + subscription));
        emit(app, "before-", 0, 1);
        awaitAll(first, "before-", 1);
        await().atMost(WAIT).until(() -> first.lastSequence() > 0);
        String point = first.resumePoint();
        closeFirehose(first);
        double routed = doppler.metric("doppler_ingress_envelopes_total{protocol=\"tcp\"}");
        emit(app, "missed-", 0, 500); // the ring holds 200
        // All routed before the link comes back, so the gap is really behind the ring.
        await().atMost(WAIT).until(() -> doppler.metric("doppler_ingress_envelopes_total{protocol=\"tcp\"}") >= routed + 500
                && doppler.metric("doppler_ingress_buffer_depth") == 0);
        BatchSubscriber second = BatchSubscriber.connect(doppler.wsUrl("/firehose/" + subscription + "?" + resume(point)));
        await().atMost(WAIT).until(() -> texts(second, "missed-").contains("missed-499"));
        await().atMost(WAIT).until(() -> second.count(e -> e.hasCounterEvent()
                && e.getCounterEvent().getName().equals("TruncatingBuffer.DroppedMessages")) > 0);
        Envelope notice = second.envelopes(Envelope::hasCounterEvent).get(0);
        // The ring held the newest 200 envelopes routed (the Doppler's own metrics may be among them): the
        // replayed ones are the tail of what was sent, and the notice covers at least everything before them.
        List<String> replayed = texts(second, "missed-");
        assertTrue(replayed.size() > 100, "replayed " + replayed.size());
        for (int i = 0; i < replayed.size(); i++) {
            assertEquals("missed-" + (500 - replayed.size() + i), replayed.get(i));
        }
        assertTrue(notice.getCounterEvent().getDelta() >= 500 - replayed.size(), "lost " + notice.getCounterEvent().getDelta());
        second.closeBlocking();
    }

    @Test
    void beyondTheRingTheLossIsToldInTheResumedAppsStream() throws Exception {
        String app = "app-" + UUID.randomUUID();
        BatchSubscriber first = BatchSubscriber.connectMultiplexed(doppler.wsUrl(AppStreamMultiplex.PATH));
        first.send(AppStreamMultiplex.subscribe(app));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            emit(app, "probe-", 0, 1);
            return !texts(first, "probe-").isEmpty();
        });
        await().atMost(WAIT).until(() -> first.lastSequence() > 0);
        String point = first.resumePoint();
        first.closeBlocking();
        double gapBefore = doppler.metric("doppler_dropped_envelopes_total{reason=\"replay_gap\"}");
        double routed = doppler.metric("doppler_ingress_envelopes_total{protocol=\"tcp\"}");
        emit(app, "missed-", 0, 500); // the ring holds 200
        await().atMost(WAIT).until(() -> doppler.metric("doppler_ingress_envelopes_total{protocol=\"tcp\"}") >= routed + 500
                && doppler.metric("doppler_ingress_buffer_depth") == 0);
        BatchSubscriber second = BatchSubscriber.connectMultiplexed(doppler.wsUrl(AppStreamMultiplex.PATH + "?" + resume(point)));
        second.send(AppStreamMultiplex.resume(app));
        await().atMost(WAIT).until(() -> texts(second, "missed-").contains("missed-499"));
        await().atMost(WAIT).until(() -> second.envelopesTagged(app).stream().anyMatch(ResumeTest::isLossNotice));
        Envelope notice = second.envelopesTagged(app).stream().filter(ResumeTest::isLossNotice).findFirst().orElseThrow();
        assertEquals(app, notice.getLogMessage().getAppId(), "told in the app's own stream");
        int replayed = texts(second, "missed-").size();
        assertTrue(replayed > 100 && replayed < 500, "replayed " + replayed);
        assertTrue(doppler.metric("doppler_dropped_envelopes_total{reason=\"replay_gap\"}") - gapBefore >= 500 - replayed,
                "counted in /metrics");
        second.closeBlocking();
    }

    private static boolean isLossNotice(Envelope envelope) {
        return envelope.hasLogMessage() && envelope.getLogMessage().getSourceType().equals("LGR");
    }

    @Test
    void afterARestartALinkGetsEverythingTheNewProcessTook() throws Exception {
        DopplerNode.Builder builder = DopplerNode.builder().name("resume-restart");
        DopplerNode node = builder.start();
        try {
            BatchSubscriber first = BatchSubscriber.connect(node.wsUrl("/firehose/restart"));
            String incarnation = first.incarnation();
            assertNotNull(incarnation);
            first.closeBlocking();
            node.process().kill();
            node = builder.start();
            try (TcpSender tcp = TcpSender.connect(node.tcpPort())) {
                for (int i = 0; i < 100; i++) {
                    tcp.send(Envelopes.v1Log("restart-app", "taken-" + i));
                }
                tcp.flush();
            }
            BatchSubscriber second = BatchSubscriber.connect(node.wsUrl("/firehose/restart?"
                    + resume(LinkSequence.resume(incarnation, 1_000_000))));
            await().atMost(WAIT).until(() -> texts(second, "taken-").size() == 100);
            assertTrue(!incarnation.equals(second.incarnation()), "a new process has a new incarnation");
            second.closeBlocking();
        } finally {
            node.close();
        }
    }
}
