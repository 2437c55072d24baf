package dev.loggregator.trafficcontroller.stream;

import static dev.loggregator.testsupport.TestApps.guid;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.trafficcontroller.metrics.SelfMetricsEmitter;
import dev.loggregator.trafficcontroller.support.Cluster;
import dev.loggregator.trafficcontroller.support.Envelopes;
import dev.loggregator.trafficcontroller.support.RawWebSocket;
import dev.loggregator.wire.notice.DropNotices;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A firehose client that reads slower than one app floods: its queue in the Traffic Controller sheds the
 * flooding app, the quiet apps' envelopes all arrive, and every envelope of the noisy app that did not
 * arrive is counted for it ({@code doppler_proxy_app_dropped_envelopes_total{app}}, with the Doppler's own
 * per-app count) and told in a notice naming it.
 */
class NoisyNeighbourTest {
    private static final int NOISY_LINES = 20_000;
    private static final int QUIET_APPS = 10;
    private static final int QUIET_LINES_PER_APP = 100;
    private static Cluster cluster;

    @BeforeAll
    static void start() throws IOException {
        cluster = Cluster.start(1, 1, """
                keepalive_seconds: 300
                slow_consumer_timeout_seconds: 60
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
    void theNoisyAppLosesWhatTheSlowReaderCannotTakeAndQuietAppsLoseNothing() throws Exception {
        String noisy = guid("noisy");
        List<String> quiet = new ArrayList<>();
        for (int i = 0; i < QUIET_APPS; i++) {
            quiet.add(guid("quiet-" + i));
        }
        try (RawWebSocket socket = RawWebSocket.open(cluster.tcPort(0), "/firehose/noisy-neighbour", new byte[0], 16 * 1024)) {
            assertTrue(socket.upgraded(), socket.statusLine());
            SlowReader reader = new SlowReader(socket);
            reader.start();
            String warm = guid("warm-up");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                cluster.emit(0, Envelopes.log(warm, "line"));
                return reader.lines(warm) > 0;
            });

            // 1 KB lines: far more than the client's queue and the sockets hold; the quiet apps' lines spread among them
            String padding = "x".repeat(1000);
            List<byte[]> burst = new ArrayList<>();
            int quietSent = 0;
            for (int i = 0; i < NOISY_LINES; i++) {
                burst.add(Envelopes.log(noisy, "line " + i + padding));
                if (i % (NOISY_LINES / (QUIET_APPS * QUIET_LINES_PER_APP)) == 0) {
                    burst.add(Envelopes.log(quiet.get(quietSent % QUIET_APPS), "line " + quietSent + padding));
                    quietSent++;
                }
            }
            assertEquals(QUIET_APPS * QUIET_LINES_PER_APP, quietSent);
            long quietLines = quietSent;
            cluster.emit(0, burst);

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                    reader.lines(noisy) + dropsCounted(noisy) >= NOISY_LINES
                            && quiet.stream().mapToLong(app -> reader.lines(app) + dropsCounted(app)).sum() >= quietLines);
            for (String app : quiet) {
                assertEquals(QUIET_LINES_PER_APP, reader.lines(app), "every line of quiet app " + app + " arrives");
                assertEquals(0, dropsCounted(app), "nothing counted as dropped for quiet app " + app);
            }
            long tcDrops = appDrops(cluster.tcMetrics(0), "doppler_proxy_app_dropped_envelopes_total", noisy);
            assertTrue(tcDrops > 0, "the slow reader's queue shed the noisy app");
            assertTrue(appDrops(cluster.tcMetrics(0), "doppler_proxy_app_dropped_envelopes_total", noisy, "fair_share") > 0,
                    "for its share, not only because the queue was full");
            assertEquals(NOISY_LINES, reader.lines(noisy) + dropsCounted(noisy), "the noisy app's loss is accounted exactly");
            await().atMost(Duration.ofSeconds(20)).until(() -> reader.noticed(noisy) > 0);
            long tcCounted = appDrops(cluster.tcMetrics(0), "doppler_proxy_app_dropped_envelopes_total", noisy);
            await().atMost(Duration.ofSeconds(20)).until(() -> reader.noticedByTrafficController(noisy) == tcCounted);
            for (String app : quiet) {
                assertEquals(0, reader.noticed(app), "no notice for quiet app " + app);
            }
        }
    }

    /** Drops counted for the app, every reason, in the Traffic Controller and the Doppler. */
    private static long dropsCounted(String app) {
        try {
            return appDrops(cluster.tcMetrics(0), "doppler_proxy_app_dropped_envelopes_total", app)
                    + appDrops(cluster.dopplerMetrics(0), "doppler_app_dropped_envelopes_total", app);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long appDrops(String metrics, String name, String app) {
        return appDrops(metrics, name, app, "[a-z_]+");
    }

    private static long appDrops(String metrics, String name, String app, String reason) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{app=\"" + Pattern.quote(app) + "\",reason=\""
                + reason + "\"} ([0-9.eE+]+)$").matcher(metrics);
        long sum = 0;
        while (m.find()) {
            sum += (long) Double.parseDouble(m.group(1));
        }
        return sum;
    }

    /** Reads frames at about 2,000 a second and counts the lines and drop notices per app. */
    private static final class SlowReader extends Thread {
        private final RawWebSocket socket;
        private final Map<String, LongAdder> lines = new ConcurrentHashMap<>();
        private final Map<String, LongAdder> noticed = new ConcurrentHashMap<>();
        private final Map<String, LongAdder> noticedByTrafficController = new ConcurrentHashMap<>();

        SlowReader(RawWebSocket socket) {
            super("slow-firehose-reader");
            setDaemon(true);
            this.socket = socket;
        }

        long lines(String app) {
            LongAdder n = lines.get(app);
            return n == null ? 0 : n.sum();
        }

        /** Envelopes the drop notices of any component told {@code app} lost. */
        long noticed(String app) {
            LongAdder n = noticed.get(app);
            return n == null ? 0 : n.sum();
        }

        long noticedByTrafficController(String app) {
            LongAdder n = noticedByTrafficController.get(app);
            return n == null ? 0 : n.sum();
        }

        @Override
        public void run() {
            try {
                for (long frames = 1; ; frames++) {
                    RawWebSocket.Frame frame = socket.readFrame();
                    if (frame.opcode() == 8) {
                        return;
                    }
                    if (frame.opcode() == 2) {
                        count(Envelope.parseFrom(frame.payload()));
                    }
                    if (frames % 16 == 0) {
                        LockSupport.parkNanos(8_000_000L); // the slow reader: about 2,000 frames a second
                    }
                }
            } catch (IOException closed) {
                // the test is over
            }
        }

        private void count(Envelope envelope) {
            if (!envelope.hasLogMessage()) {
                return;
            }
            String app = envelope.getLogMessage().getAppId();
            if (DropNotices.SOURCE_TYPE.equals(envelope.getLogMessage().getSourceType())) {
                String text = envelope.getLogMessage().getMessage().toStringUtf8();
                Matcher m = Pattern.compile("(\\d+) messages dropped").matcher(text);
                if (m.find()) {
                    noticed.computeIfAbsent(app, a -> new LongAdder()).add(Long.parseLong(m.group(1)));
                    if (SelfMetricsEmitter.ORIGIN.equals(envelope.getOrigin())) {
                        noticedByTrafficController.computeIfAbsent(app, a -> new LongAdder()).add(Long.parseLong(m.group(1)));
                    }
                }
            } else {
                lines.computeIfAbsent(app, a -> new LongAdder()).increment();
            }
        }
    }
}
