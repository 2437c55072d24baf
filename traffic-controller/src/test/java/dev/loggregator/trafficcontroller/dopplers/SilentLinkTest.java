package dev.loggregator.trafficcontroller.dopplers;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loggregator.trafficcontroller.support.Cluster;
import dev.loggregator.trafficcontroller.support.Envelopes;
import dev.loggregator.trafficcontroller.support.FreezableProxy;
import dev.loggregator.trafficcontroller.support.Probes;
import dev.loggregator.trafficcontroller.support.StreamClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Doppler link that goes silent, as in a network partition (the relay between the Traffic
 * Controller and the Doppler stops passing bytes without closing anything): the Traffic Controller
 * notices within seconds and re-dials under the link's name, so streams flow again on the new
 * connection while the old one is still stuck; once the old one moves again it delivers what the
 * Doppler held for it. Nothing is lost or doubled.
 */
class SilentLinkTest {
    /** App ids are GUIDs at the Traffic Controller's edge. */
    private static final String APP = "5e1e7700-0000-4000-8000-000000000001";
    private static FreezableProxy proxy;
    private static Cluster cluster;

    @BeforeAll
    static void start() throws Exception {
        proxy = new FreezableProxy();
        // Found by "DNS" (an address literal) at the relay's port, so every link runs through it.
        cluster = Cluster.start(1, 1, "auth: {disable_access_control: true}",
                "dns: {name: 127.0.0.1, ws_port: " + proxy.port() + ", refresh_seconds: 60}");
        proxy.target(cluster.dopplerWsPort(0));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    private static List<byte[]> numbered(String app, String prefix, int count) {
        List<byte[]> envelopes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            envelopes.add(Envelopes.log(app, prefix + i));
        }
        return envelopes;
    }

    private static long count(StreamClient client, String prefix) {
        return client.texts().stream().filter(text -> text.startsWith(prefix)).count();
    }

    @Test
    void aSilentLinkIsReDialledAndItsHeldEnvelopesStillArriveOnceEach() throws Exception {
        StreamClient firehose = StreamClient.open(cluster.ws(0) + "/firehose/silent-link", null);
        StreamClient appStream = StreamClient.open(cluster.ws(0) + "/apps/" + APP + "/stream", null);
        try {
            Probes.awaitFlowing(cluster, APP, firehose, appStream);
            int dialled = proxy.accepted();
            proxy.freeze();
            cluster.emit(0, numbered(APP, "held-", 300));
            await("the Traffic Controller re-dials the silent links").atMost(Duration.ofSeconds(30))
                    .until(() -> proxy.accepted() >= dialled + 2);
            cluster.emit(0, numbered(APP, "after-", 300));
            await("streams flow on the new links while the old ones are stuck").atMost(Duration.ofSeconds(30))
                    .until(() -> count(firehose, "after-") == 300 && count(appStream, "after-") == 300);

            proxy.thaw();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> count(firehose, "held-") == 300 && count(appStream, "held-") == 300);
            assertEquals(300, firehose.texts().stream().filter(t -> t.startsWith("held-")).distinct().count(),
                    "the firehose got each held envelope once (from the old link)");
            assertEquals(300, appStream.texts().stream().filter(t -> t.startsWith("held-")).distinct().count(),
                    "the app stream got each once (replayed on the new link)");
            assertEquals(-2, firehose.closeCode(), "the client's stream never closed");
        } finally {
            firehose.closeBlocking();
            appStream.closeBlocking();
        }
    }
}
