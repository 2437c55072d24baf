package dev.loggregator.trafficcontroller.v2;

import com.google.protobuf.util.JsonFormat;
import dev.loggregator.trafficcontroller.metrics.SelfMetricsEmitter;
import dev.loggregator.trafficcontroller.support.Cluster;
import dev.loggregator.trafficcontroller.support.NoisyNeighbourBurst;
import dev.loggregator.wire.notice.DropNotices;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
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
                fair_share_factor: 2
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
    void aSlowV2ReadReaderLosesOnlyTheNoisyAppsEnvelopesAllCounted() throws Exception {
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(16 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", cluster.tcPort(0)), 10_000);
            // HTTP/1.0: the events come unchunked, until the connection closes
            socket.getOutputStream().write("GET /v2/read?log HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            NoisyNeighbourBurst.AppTally tally = new NoisyNeighbourBurst.AppTally();
            LongAdder envelopes = new LongAdder();
            Thread reader = new Thread(() -> readEvents(socket, tally, envelopes), "slow-v2-read-reader");
            reader.setDaemon(true);
            reader.start();
            NoisyNeighbourBurst.floodAndCheck(cluster, "v2-read", tally);
        }
    }

    @Test
    void aSlowGrpcReceiverLosesOnlyTheNoisyAppsEnvelopesAllCounted() throws IOException {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", cluster.tcGrpcPort(0)).usePlaintext()
                .flowControlWindow(16 * 1024).build();
        try {
            NoisyNeighbourBurst.AppTally tally = new NoisyNeighbourBurst.AppTally();
            LongAdder envelopes = new LongAdder();
            EgressRequest request = EgressRequest.newBuilder().setUsePreferredTags(true)
                    .addSelectors(Selector.newBuilder().setLog(LogSelector.getDefaultInstance())).build();
            EgressGrpc.newStub(channel).receiver(request, new ClientResponseObserver<EgressRequest, Envelope>() {
                private ClientCallStreamObserver<EgressRequest> call;

                @Override
                public void beforeStart(ClientCallStreamObserver<EgressRequest> call) {
                    this.call = call;
                    call.disableAutoRequestWithInitial(1);
                }

                @Override
                public void onNext(Envelope envelope) {
                    if (count(envelope, tally, envelopes) % 16 == 0) {
                        LockSupport.parkNanos(NoisyNeighbourBurst.PAUSE_NANOS);
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
            NoisyNeighbourBurst.floodAndCheck(cluster, "grpc", tally);
        } finally {
            channel.shutdownNow();
        }
    }

    /** Reads the Server-Sent Events as go-loggregator does, each event's batch parsed strictly. */
    private static void readEvents(Socket socket, NoisyNeighbourBurst.AppTally tally, LongAdder envelopes) {
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
                        if (count(envelope, tally, envelopes) % 16 == 0) {
                            LockSupport.parkNanos(NoisyNeighbourBurst.PAUSE_NANOS);
                        }
                    }
                }
            }
        } catch (IOException closed) {
            // the test is over
        }
    }

    /** Counts one envelope in {@code tally} as a v2 reader sees it; returns the envelopes counted so far. */
    private static long count(Envelope envelope, NoisyNeighbourBurst.AppTally tally, LongAdder envelopes) {
        envelopes.increment();
        if (envelope.hasLog()) {
            String app = envelope.getSourceId();
            if (DropNotices.SOURCE_TYPE.equals(envelope.getTagsOrDefault("source_type", ""))) {
                tally.notice(app, envelope.getLog().getPayload().toStringUtf8(),
                        SelfMetricsEmitter.ORIGIN.equals(envelope.getTagsOrDefault("origin", "")));
            } else {
                tally.line(app);
            }
        }
        return envelopes.sum();
    }
}
