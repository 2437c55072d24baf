package dev.loggregator.trafficcontroller.v2;

import static dev.loggregator.testsupport.TestApps.guid;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.loggregator.trafficcontroller.metrics.SelfMetricsEmitter;
import dev.loggregator.trafficcontroller.support.Cluster;
import dev.loggregator.trafficcontroller.support.Envelopes;
import dev.loggregator.wire.notice.DropNotices;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cloudfoundry.loggregator.v2.EgressGrpc;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.EgressRequest;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.LogSelector;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.Selector;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.EnvelopeBatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The v2 read APIs' {@code NoisyNeighbourTest}: a v2 reader of every source's logs ({@code /v2/read}, and a
 * gRPC {@code Receiver}) that reads slower than one app floods: its queue in the Traffic Controller sheds
 * the flooding app for its fair share, the quiet apps' envelopes all arrive, and every envelope of the noisy
 * app that did not arrive is counted for it ({@code doppler_proxy_app_dropped_envelopes_total{app}}, with
 * the Doppler's own per-app count) and told in a notice naming it.
 */
class V2NoisyNeighbourTest {
    private static final int NOISY_LINES = 20_000;
    private static final int QUIET_APPS = 10;
    private static final int QUIET_LINES_PER_APP = 100;
    private static Cluster cluster;

    /**
     * The Doppler's queue for the Traffic Controller holds the whole burst, so the Doppler sheds nothing and
     * puts no notice of its own into the noisy app's stream (one the Traffic Controller then dropped would be
     * counted for the app beside its lines): the reader's queue alone is under test.
     */
    @BeforeAll
    static void start() throws IOException {
        cluster = Cluster.start(1, 1, """
                keepalive_seconds: 300
                slow_consumer_timeout_seconds: 60
                outgoing_buffer_size: 2000
                fair_share_factor: 2
                auth: {disable_access_control: true}
                """, """
                message_drain_buffer_size: 65536
                """);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aSlowV2ReadReaderLosesOnlyTheNoisyAppsEnvelopesAllCounted() throws Exception {
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(16 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", cluster.tcPort(0)), 10_000);
            // HTTP/1.0: the events come unchunked, until the connection closes
            socket.getOutputStream().write("GET /v2/read?log HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            Tally tally = new Tally();
            Thread reader = new Thread(() -> readEvents(socket, tally), "slow-v2-read-reader");
            reader.setDaemon(true);
            reader.start();
            floodAndCheck("v2-read", tally);
        }
    }

    @Test
    void aSlowGrpcReceiverLosesOnlyTheNoisyAppsEnvelopesAllCounted() throws IOException {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", cluster.tcGrpcPort(0)).usePlaintext()
                .flowControlWindow(16 * 1024).build();
        try {
            Tally tally = new Tally();
            EgressRequest request = EgressRequest.newBuilder().setUsePreferredTags(true)
                    .addSelectors(Selector.newBuilder().setLog(LogSelector.getDefaultInstance())).build();
            EgressGrpc.newStub(channel).receiver(request, new ClientResponseObserver<EgressRequest, Envelope>() {
                private ClientCallStreamObserver<EgressRequest> call;
                private long received;

                @Override
                public void beforeStart(ClientCallStreamObserver<EgressRequest> call) {
                    this.call = call;
                    call.disableAutoRequestWithInitial(1);
                }

                @Override
                public void onNext(Envelope envelope) {
                    tally.count(envelope);
                    if (++received % 16 == 0) {
                        LockSupport.parkNanos(8_000_000L); // the slow reader: about 2,000 envelopes a second
                    }
                    call.request(1);
                }

                @Override
                public void onError(Throwable t) {
                    // the test is over
                }

                @Override
                public void onCompleted() {
                }
            });
            floodAndCheck("grpc", tally);
        } finally {
            channel.shutdownNow();
        }
    }

    /** One app floods 1 KB lines, ten quiet ones send a few among them, while the reader keeps its slow pace. */
    private static void floodAndCheck(String test, Tally tally) throws IOException {
        String noisy = guid(test + "-noisy");
        List<String> quiet = new ArrayList<>();
        for (int i = 0; i < QUIET_APPS; i++) {
            quiet.add(guid(test + "-quiet-" + i));
        }
        String warm = guid(test + "-warm-up");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            cluster.emit(0, Envelopes.log(warm, "line"));
            return tally.lines(warm) > 0;
        });

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
                tally.lines(noisy) + dropsCounted(noisy) >= NOISY_LINES
                        && quiet.stream().mapToLong(app -> tally.lines(app) + dropsCounted(app)).sum() >= quietLines);
        for (String app : quiet) {
            assertEquals(QUIET_LINES_PER_APP, tally.lines(app), "every line of quiet app " + app + " arrives");
            assertEquals(0, dropsCounted(app), "nothing counted as dropped for quiet app " + app);
        }
        String tcMetrics = cluster.tcMetrics(0);
        assertTrue(appDrops(tcMetrics, "doppler_proxy_app_dropped_envelopes_total", noisy, "fair_share") > 0,
                "the slow reader's queue shed the noisy app for its share, not only because the queue was full");
        assertEquals(NOISY_LINES, tally.lines(noisy) + dropsCounted(noisy), () -> "the noisy app's loss is accounted exactly: "
                + tally.lines(noisy) + " delivered, " + tally.componentNotices(noisy) + " notices of the Doppler delivered, counted "
                + metricLines(noisy));
        long tcCounted = appDrops(cluster.tcMetrics(0), "doppler_proxy_app_dropped_envelopes_total", noisy, "[a-z_]+");
        await().atMost(Duration.ofSeconds(20)).until(() -> tally.noticedByTrafficController(noisy) == tcCounted);
        for (String app : quiet) {
            assertEquals(0, tally.noticed(app), "no notice for quiet app " + app);
        }
    }

    /** Reads the Server-Sent Events as go-loggregator does, each event's batch parsed strictly. */
    private static void readEvents(Socket socket, Tally tally) {
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8), 4096);
            String line;
            while ((line = in.readLine()) != null && !line.isEmpty()) {
                // the response's head
            }
            boolean named = false;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("event: ")) {
                    named = true; // heartbeat or closing: no envelopes
                } else if (line.isEmpty()) {
                    named = false;
                } else if (line.startsWith("data: ") && !named) {
                    EnvelopeBatch.Builder batch = EnvelopeBatch.newBuilder();
                    JsonFormat.parser().merge(line.substring(6), batch);
                    for (Envelope envelope : batch.getBatchList()) {
                        if (tally.count(envelope) % 16 == 0) {
                            LockSupport.parkNanos(8_000_000L); // the slow reader: about 2,000 envelopes a second
                        }
                    }
                }
            }
        } catch (IOException closed) {
            // the test is over
        }
    }

    /** Drops counted for the app, every reason, in the Traffic Controller and the Doppler. */
    private static long dropsCounted(String app) {
        try {
            return appDrops(cluster.tcMetrics(0), "doppler_proxy_app_dropped_envelopes_total", app, "[a-z_]+")
                    + appDrops(cluster.dopplerMetrics(0), "doppler_app_dropped_envelopes_total", app, "[a-z_]+");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String metricLines(String app) {
        try {
            return (cluster.tcMetrics(0) + cluster.dopplerMetrics(0)).lines().filter(line -> line.contains(app)).toList().toString();
        } catch (IOException e) {
            return e.toString();
        }
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

    /** Lines and drop notices per source id, as a v2 reader gets them. */
    private static final class Tally {
        private static final Pattern DROPPED = Pattern.compile("(\\d+) messages dropped");
        private final Map<String, LongAdder> lines = new ConcurrentHashMap<>();
        private final Map<String, LongAdder> noticed = new ConcurrentHashMap<>();
        private final Map<String, LongAdder> noticedByTrafficController = new ConcurrentHashMap<>();
        private final Map<String, LongAdder> componentNotices = new ConcurrentHashMap<>();
        private final LongAdder envelopes = new LongAdder();

        /** Returns the envelopes counted so far. */
        long count(Envelope envelope) {
            envelopes.increment();
            if (envelope.hasLog()) {
                String app = envelope.getSourceId();
                if (DropNotices.SOURCE_TYPE.equals(envelope.getTagsOrDefault("source_type", ""))) {
                    if (!SelfMetricsEmitter.ORIGIN.equals(envelope.getTagsOrDefault("origin", ""))) {
                        add(componentNotices, app, 1);
                    }
                    Matcher m = DROPPED.matcher(envelope.getLog().getPayload().toStringUtf8());
                    if (m.find()) {
                        add(noticed, app, Long.parseLong(m.group(1)));
                        if (SelfMetricsEmitter.ORIGIN.equals(envelope.getTagsOrDefault("origin", ""))) {
                            add(noticedByTrafficController, app, Long.parseLong(m.group(1)));
                        }
                    }
                } else {
                    add(lines, app, 1);
                }
            }
            return envelopes.sum();
        }

        private static void add(Map<String, LongAdder> counts, String app, long n) {
            counts.computeIfAbsent(app, a -> new LongAdder()).add(n);
        }

        long lines(String app) {
            return get(lines, app);
        }

        long noticed(String app) {
            return get(noticed, app);
        }

        /** Notices (LGR lines) of other components than the Traffic Controller. */
        long componentNotices(String app) {
            return get(componentNotices, app);
        }

        long noticedByTrafficController(String app) {
            return get(noticedByTrafficController, app);
        }

        private static long get(Map<String, LongAdder> counts, String app) {
            LongAdder n = counts.get(app);
            return n == null ? 0 : n.sum();
        }
    }
}
