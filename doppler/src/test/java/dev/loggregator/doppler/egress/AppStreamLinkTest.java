package dev.loggregator.doppler.egress;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.doppler.support.BatchSubscriber;
import dev.loggregator.doppler.support.Envelopes;
import dev.loggregator.doppler.support.GrpcSender;
import dev.loggregator.doppler.support.TcpSender;
import dev.loggregator.testsupport.DopplerNode;
import dev.loggregator.wire.multiplex.AppStreamMultiplex;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;
import org.junit.jupiter.api.Test;

/**
 * The multiplexed app-stream link (docs/internal-protocol.md): one connection follows the apps it
 * asks for, every frame carries one app's envelopes behind that app's tag, and a slow link is told
 * per app how much each app lost.
 */
class AppStreamLinkTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void oneLinkFollowsAndUnfollowsApps() throws Exception {
        try (DopplerNode doppler = DopplerNode.builder().name("app-stream-link").set("metrics_interval_seconds", 3600).start()) {
            String appA = "a-" + UUID.randomUUID();
            String appB = "b-" + UUID.randomUUID();
            String appC = "c-" + UUID.randomUUID();
            BatchSubscriber link = BatchSubscriber.connectMultiplexed(doppler.wsUrl(AppStreamMultiplex.PATH));
            link.send(AppStreamMultiplex.subscribe(appA));
            link.send(AppStreamMultiplex.subscribe(appB));
            link.send(AppStreamMultiplex.subscribe(appA)); // a repeated request changes nothing
            awaitFollowed(doppler, 2);
            try (TcpSender tcp = TcpSender.connect(doppler.tcpPort())) {
                for (int i = 0; i < 3; i++) {
                    tcp.send(Envelopes.v1Log(appA, "a-" + i));
                    tcp.send(Envelopes.v1Log(appC, "c-" + i));
                }
                tcp.send(Envelopes.v1ContainerMetric(appB, 0, 1.5, System.nanoTime()));
                tcp.send(Envelopes.v1Log(appB, "b-0")).flush();
            }
            await().atMost(WAIT).until(() -> link.envelopes().size() >= 5);
            assertEquals(List.of("a-0", "a-1", "a-2"), link.envelopesTagged(appA).stream().map(Envelopes::text).toList());
            assertEquals(2, link.envelopesTagged(appB).size());
            assertTrue(link.envelopesTagged(appB).get(0).hasContainerMetric());
            assertEquals(5, link.envelopes().size(), "nothing of an app not followed");
            for (Map.Entry<String, Envelope> entry : link.tagged()) {
                assertEquals(entry.getKey(), appOf(entry.getValue()), "a frame's tag names the app of each of its envelopes");
            }

            link.send(AppStreamMultiplex.unsubscribe(appA));
            awaitFollowed(doppler, 1);
            try (TcpSender tcp = TcpSender.connect(doppler.tcpPort())) {
                tcp.send(Envelopes.v1Log(appA, "a-after"));
                tcp.send(Envelopes.v1Log(appB, "b-after")).flush();
            }
            await().atMost(WAIT).until(() -> link.envelopesTagged(appB).size() == 3);
            assertEquals(3, link.envelopesTagged(appA).size(), "an unfollowed app gets nothing more");
            assertNull(link.protocolError());

            link.closeBlocking();
            awaitFollowed(doppler, 0);
        }
    }

    @Test
    void aBadRequestIsRefusedAloneAndTheLinkKeepsCarryingItsOtherApps() throws Exception {
        try (DopplerNode doppler = DopplerNode.builder().name("app-stream-link-bad").start()) {
            String app = UUID.randomUUID().toString();
            BatchSubscriber link = BatchSubscriber.connectMultiplexed(doppler.wsUrl(AppStreamMultiplex.PATH));
            link.send(AppStreamMultiplex.subscribe(app));
            awaitFollowed(doppler, 1);
            link.send("subscribe me");
            link.send("+" + "x".repeat(AppStreamMultiplex.MAX_APP_ID_BYTES + 1));
            await().atMost(WAIT).until(() -> doppler.metric("doppler_refused_connections_total{reason=\"bad_request\"}") >= 2);
            try (TcpSender tcp = TcpSender.connect(doppler.tcpPort())) {
                tcp.send(Envelopes.v1Log(app, "after the bad requests")).flush();
            }
            await().atMost(WAIT).until(() -> link.envelopesTagged(app).size() == 1);
            assertEquals(-1, link.closeCode(), "the link stays open");
            assertEquals(1, doppler.metric("doppler_app_streams"), "the refused id is not followed");
        }
    }

    @Test
    void aSlowLinkIsToldPerAppHowMuchEachLost() throws Exception {
        int envelopes = 60_000;
        int apps = 4;
        try (DopplerNode doppler = DopplerNode.builder().name("app-stream-link-slow")
                .set("link_buffer_bytes", 8 << 20)
                .set("metrics_interval_seconds", 3600)
                .start();
             GrpcSender grpc = GrpcSender.plaintext(doppler.grpcPort())) {
            String prefix = UUID.randomUUID() + "-";
            BatchSubscriber link = BatchSubscriber.connectMultiplexed(doppler.wsUrl(AppStreamMultiplex.PATH));
            for (int app = 0; app < apps; app++) {
                link.send(AppStreamMultiplex.subscribe(prefix + app));
            }
            awaitFollowed(doppler, apps);
            link.pause();
            String padding = "x".repeat(1000);
            for (int sent = 0; sent < envelopes; sent += 100) {
                List<LoggregatorEnvelope.Envelope> batch = new ArrayList<>(100);
                for (int i = sent; i < sent + 100; i++) {
                    batch.add(Envelopes.v2Log(prefix + (i % apps), "line " + i + " " + padding));
                }
                grpc.send(batch);
            }
            await().atMost(WAIT).until(() -> doppler.metric("doppler_dropped_envelopes_total{reason=\"slow_subscriber\"}") > 0);
            link.resume();
            await().atMost(WAIT).until(() -> {
                long lines = link.count(e -> e.hasLogMessage() && !isNotice(e));
                return lines + droppedAccordingToNotices(link.envelopes(AppStreamLinkTest::isNotice)) == envelopes;
            });
            double dropped = doppler.metric("doppler_dropped_envelopes_total{reason=\"slow_subscriber\"}");
            assertEquals((long) dropped, droppedAccordingToNotices(link.envelopes(AppStreamLinkTest::isNotice)));
            assertTrue(link.frames() * 4 < link.envelopes().size(), "envelopes of apps sent interleaved travel many to a frame: "
                    + link.frames() + " frames for " + link.envelopes().size() + " envelopes");
            for (int app = 0; app < apps; app++) {
                String appId = prefix + app;
                List<Envelope> ofApp = link.envelopesTagged(appId);
                long lines = ofApp.stream().filter(e -> e.hasLogMessage() && !isNotice(e)).count();
                assertEquals(envelopes / apps, lines + droppedAccordingToNotices(ofApp),
                        "each app's notices account for exactly what that app lost");
                ofApp.stream().filter(e -> isNotice(e) && e.hasLogMessage())
                        .forEach(notice -> assertEquals(appId, notice.getLogMessage().getAppId()));
            }
        }
    }

    private static void awaitFollowed(DopplerNode doppler, int apps) {
        await().atMost(WAIT).until(() -> doppler.metric("doppler_app_streams") == apps);
    }

    private static String appOf(Envelope envelope) {
        return envelope.hasLogMessage() ? envelope.getLogMessage().getAppId() : envelope.getContainerMetric().getApplicationId();
    }

    private static boolean isNotice(Envelope e) {
        return (e.hasCounterEvent() && e.getCounterEvent().getName().equals("TruncatingBuffer.DroppedMessages"))
                || (e.hasLogMessage() && e.getLogMessage().getSourceType().equals("LGR"));
    }

    private static long droppedAccordingToNotices(List<Envelope> envelopes) {
        return envelopes.stream().filter(e -> e.hasCounterEvent() && e.getCounterEvent().getName().equals("TruncatingBuffer.DroppedMessages"))
                .mapToLong(e -> e.getCounterEvent().getDelta()).sum();
    }
}
