package dev.loggregator.doppler.egress;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.doppler.support.BatchSubscriber;
import dev.loggregator.doppler.support.Envelopes;
import dev.loggregator.doppler.support.TcpSender;
import dev.loggregator.testsupport.DopplerNode;
import dev.loggregator.wire.framing.LinkSequence;
import dev.loggregator.wire.multiplex.AppStreamMultiplex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Traffic Controller re-dials a link that went silent (a partition) under the same name
 * ({@code link=}, docs/internal-protocol.md "Replacing a silent link") while the Doppler still holds
 * the old one: a group's new link takes the old one's place at once, and the old one delivers what
 * it held once its connection moves again, then closes with 1000; an app-stream link's predecessor
 * is closed and the new one gets what it missed from the ring.
 */
class LinkReplacementTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static DopplerNode doppler;

    @BeforeAll
    static void start() {
        // Queues big enough that a stalled link holds everything this test sends it.
        doppler = DopplerNode.builder().name("replace").set("link_buffer_bytes", 128 << 20).start();
    }

    @AfterAll
    static void stop() {
        doppler.close();
    }

    private static void emit(String app, String prefix, int from, int to, int padding) {
        String pad = "x".repeat(padding);
        try (TcpSender tcp = TcpSender.connect(doppler.tcpPort())) {
            for (int i = from; i < to; i++) {
                tcp.send(Envelopes.v1Log(app, prefix + i + " " + pad));
            }
            tcp.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> numbers(BatchSubscriber link, String prefix) {
        List<String> numbers = new ArrayList<>();
        for (var envelope : link.envelopes(e -> e.hasLogMessage() && Envelopes.text(e).startsWith(prefix))) {
            numbers.add(Envelopes.text(envelope).split(" ")[0]);
        }
        return numbers;
    }

    /**
     * The retire frame is read on the link's event loop and takes effect on the router thread, while a test's
     * envelopes come in through ingress: until then the group's members still take turns. Probes go in pairs
     * until the staying member gets both of a pair, which it cannot while the other member is in the group.
     */
    private static void awaitRetired(String app, BatchSubscriber staying) {
        AtomicInteger pairs = new AtomicInteger();
        await("the retire took effect").atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            int pair = pairs.getAndIncrement();
            boolean previousBothStaying = pair > 0 && numbers(staying, "probe" + (pair - 1) + "-").size() == 2;
            emit(app, "probe" + pair + "-", 0, 2, 0);
            return previousBothStaying;
        });
    }

    private static String link(String name) {
        return LinkSequence.LINK_PARAMETER + "=" + name;
    }

    @Test
    void aGroupLinkReplacedWhileStalledDeliversWhatItHeldAndTheNewOneFlowsAtOnce() throws Exception {
        String app = "app-" + UUID.randomUUID();
        String name = UUID.randomUUID().toString();
        String path = "/firehose/replace-" + UUID.randomUUID() + "?" + link(name);
        BatchSubscriber old = BatchSubscriber.connect(doppler.wsUrl(path));
        emit(app, "before-", 0, 1, 0);
        await().atMost(WAIT).until(() -> numbers(old, "before-").size() == 1);

        old.pause(); // stops reading: its TCP connection backs up, as over a cut network
        int held = 20_000;
        emit(app, "held-", 0, held, 1000); // ~20 MB: more than socket buffers, so the old link's queue holds the rest
        BatchSubscriber replacement = BatchSubscriber.connect(doppler.wsUrl(path + "&"
                + LinkSequence.RESUME_PARAMETER + "=" + URLEncoder.encode(old.resumePoint(), StandardCharsets.UTF_8)));
        emit(app, "after-", 0, 500, 0);
        await("the new link flows while the old one is still stalled").atMost(WAIT)
                .until(() -> numbers(replacement, "after-").size() == 500);

        old.resume(); // the network is back: the old connection delivers what the Doppler held for it
        await().atMost(WAIT).until(() -> old.closeCode() == 1000);
        assertEquals("link retired", old.closeReason());
        List<String> all = new ArrayList<>(numbers(old, "held-"));
        all.addAll(numbers(replacement, "held-"));
        assertEquals(held, all.size(), "every held envelope once");
        assertEquals(held, new HashSet<>(all).size());
        assertTrue(numbers(old, "after-").size() + numbers(replacement, "after-").size() == 500);
        replacement.closeBlocking();
    }

    @Test
    void aGroupLinkAskedToRetireLeavesTheStreamToTheOthersAndDeliversWhatItHeld() throws Exception {
        String app = "app-" + UUID.randomUUID();
        String path = "/firehose/retire-" + UUID.randomUUID();
        BatchSubscriber leaving = BatchSubscriber.connect(doppler.wsUrl(path));
        BatchSubscriber staying = BatchSubscriber.connect(doppler.wsUrl(path));
        emit(app, "before-", 0, 10, 0);
        await().atMost(WAIT).until(() -> numbers(leaving, "before-").size() + numbers(staying, "before-").size() == 10);

        leaving.pause();
        int held = 20_000;
        emit(app, "held-", 0, held, 1000);
        leaving.send(LinkSequence.RETIRE_FRAME); // a Traffic Controller that is stopping
        awaitRetired(app, staying);
        emit(app, "after-", 0, 500, 0);
        await("the staying member gets everything from now on").atMost(WAIT)
                .until(() -> numbers(staying, "after-").size() == 500);

        leaving.resume();
        await().atMost(WAIT).until(() -> leaving.closeCode() == 1000);
        List<String> all = new ArrayList<>(numbers(leaving, "held-"));
        all.addAll(numbers(staying, "held-"));
        assertEquals(held, all.size(), "every envelope once between the two");
        assertEquals(held, new HashSet<>(all).size());
        assertTrue(!numbers(leaving, "held-").isEmpty(), "the leaving member delivered what it held");
        assertEquals(List.of(), numbers(leaving, "after-"));
        staying.closeBlocking();
    }

    @Test
    void anAppStreamLinkReplacedIsClosedAndTheNewOneGetsWhatItMissedFromTheRing() throws Exception {
        String app = "app-" + UUID.randomUUID();
        String name = UUID.randomUUID().toString();
        BatchSubscriber old = BatchSubscriber.connectMultiplexed(doppler.wsUrl(AppStreamMultiplex.PATH + "?" + link(name)));
        old.send(AppStreamMultiplex.subscribe(app));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            emit(app, "probe-", 0, 1, 0);
            return !numbers(old, "probe-").isEmpty();
        });
        await().atMost(WAIT).until(() -> old.lastSequence() > 0);
        String point = old.resumePoint();
        old.pause();
        emit(app, "missed-", 0, 50, 0);
        BatchSubscriber replacement = BatchSubscriber.connectMultiplexed(doppler.wsUrl(AppStreamMultiplex.PATH + "?"
                + link(name) + "&" + LinkSequence.RESUME_PARAMETER + "=" + URLEncoder.encode(point, StandardCharsets.UTF_8)));
        replacement.send(AppStreamMultiplex.resume(app));
        await().atMost(WAIT).until(() -> numbers(replacement, "missed-").size() == 50);
        old.resume();
        await("the old link is closed, not left to fill").atMost(WAIT).until(() -> old.closeCode() != 0);
        replacement.closeBlocking();
    }

    @Test
    void aLinkNameLongerThanTheLimitIsRefused() throws Exception {
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + doppler.wsPort()
                        + "/firehose/x?" + link("n".repeat(LinkSequence.MAX_LINK_NAME + 1)))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("link name longer than " + LinkSequence.MAX_LINK_NAME), response.body());
    }
}
