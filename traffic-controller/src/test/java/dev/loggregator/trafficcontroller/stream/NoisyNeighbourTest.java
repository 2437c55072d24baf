package dev.loggregator.trafficcontroller.stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.trafficcontroller.metrics.SelfMetricsEmitter;
import dev.loggregator.trafficcontroller.support.Cluster;
import dev.loggregator.trafficcontroller.support.NoisyNeighbourBurst;
import dev.loggregator.trafficcontroller.support.RawWebSocket;
import dev.loggregator.wire.notice.DropNotices;
import java.io.IOException;
import java.util.concurrent.locks.LockSupport;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A firehose client that reads slower than one app floods: its queue in the Traffic Controller sheds the
 * flooding app, the quiet apps' envelopes all arrive, and every envelope of the noisy app that did not
 * arrive is counted for it ({@code doppler_proxy_app_dropped_envelopes_total{app}}, with the Doppler's own
 * per-app count) and told in a notice naming it ({@link NoisyNeighbourBurst}).
 */
class NoisyNeighbourTest {
    private static Cluster cluster;

    @BeforeAll
    static void start() throws IOException {
        // The queue must hold what fills it before the flood is shed (half of it) plus the quiet apps' 1,000
        // lines, which arrive with the burst faster than the reader reads: 4 MiB is about 2,500 of the burst's
        // records as /v2/read writes them (1.65 KB: the payload in base64), 3,700 as v1 or gRPC (1.1 KB).
        cluster = Cluster.start(1, 1, """
                keepalive_seconds: 300
                slow_consumer_timeout_seconds: 60
                stream_buffer_bytes: 4194304
                auth: {disable_access_control: true}
                """, NoisyNeighbourBurst.DOPPLER_SECTION);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theNoisyAppLosesWhatTheSlowReaderCannotTakeAndQuietAppsLoseNothing() throws Exception {
        try (RawWebSocket socket = RawWebSocket.open(cluster.tcPort(0), "/firehose/noisy-neighbour", new byte[0], 16 * 1024)) {
            assertTrue(socket.upgraded(), socket.statusLine());
            NoisyNeighbourBurst.AppTally tally = new NoisyNeighbourBurst.AppTally();
            Thread reader = new Thread(() -> readSlowly(socket, tally), "slow-firehose-reader");
            reader.setDaemon(true);
            reader.start();
            NoisyNeighbourBurst.floodAndCheck(cluster, "v1", tally);
        }
    }

    /** Reads frames at about 2,000 a second and counts the lines and drop notices per app. */
    private static void readSlowly(RawWebSocket socket, NoisyNeighbourBurst.AppTally tally) {
        try {
            for (long frames = 1; ; frames++) {
                RawWebSocket.Frame frame = socket.readFrame();
                if (frame.opcode() == 8) {
                    return;
                }
                if (frame.opcode() == 2) {
                    count(Envelope.parseFrom(frame.payload()), tally);
                }
                if (frames % 16 == 0) {
                    LockSupport.parkNanos(NoisyNeighbourBurst.PAUSE_NANOS);
                }
            }
        } catch (IOException closed) {
            // the test is over
        }
    }

    private static void count(Envelope envelope, NoisyNeighbourBurst.AppTally tally) {
        if (!envelope.hasLogMessage()) {
            return;
        }
        String app = envelope.getLogMessage().getAppId();
        if (DropNotices.SOURCE_TYPE.equals(envelope.getLogMessage().getSourceType())) {
            tally.notice(app, envelope.getLogMessage().getMessage().toStringUtf8(), SelfMetricsEmitter.ORIGIN.equals(envelope.getOrigin()));
        } else {
            tally.line(app);
        }
    }
}
