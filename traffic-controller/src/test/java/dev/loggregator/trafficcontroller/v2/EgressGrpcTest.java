package dev.loggregator.trafficcontroller.v2;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import dev.loggregator.trafficcontroller.support.Cluster;
import dev.loggregator.trafficcontroller.support.V2Sender;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.cloudfoundry.loggregator.v2.EgressGrpc;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.EgressBatchRequest;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.EgressRequest;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.EventSelector;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.GaugeSelector;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.LogSelector;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.Selector;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.EnvelopeBatch;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Event;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Gauge;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.GaugeValue;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Value;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code loggregator.v2.Egress} on a Traffic Controller, read by a plain grpc-java client as the firehose_exporter reads it. */
class EgressGrpcTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static Cluster cluster;
    private static V2Sender sender;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws IOException {
        cluster = Cluster.start(1, 1, "auth: {disable_access_control: true}");
        sender = new V2Sender(cluster.dopplerGrpcPort(0));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", cluster.tcGrpcPort(0)).usePlaintext().build();
    }

    @AfterAll
    static void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (sender != null) {
            sender.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Selector.Builder source(String id) {
        return Selector.newBuilder().setSourceId(id);
    }

    private static void awaitLinked(ConcurrentLinkedQueue<Envelope> received, String source) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            sender.send(List.of(Envelope.newBuilder().setSourceId(source).setEvent(Event.newBuilder().setTitle("probe")).build()));
            return received.stream().anyMatch(Envelope::hasEvent);
        });
    }

    @Test
    void batchedReceiverGetsWhatWasSent() {
        String id = UUID.randomUUID().toString();
        ConcurrentLinkedQueue<Envelope> received = new ConcurrentLinkedQueue<>();
        EgressGrpc.newStub(channel).batchedReceiver(EgressBatchRequest.newBuilder()
                .setShardId("exporter-" + id).setUsePreferredTags(true)
                .addSelectors(source(id).setLog(LogSelector.getDefaultInstance()))
                .addSelectors(source(id).setGauge(GaugeSelector.getDefaultInstance()))
                .addSelectors(source(id).setEvent(EventSelector.getDefaultInstance())).build(), collect(received));
        awaitLinked(received, id);
        List<Envelope> sent = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            sent.add(Envelope.newBuilder().setSourceId(id).setTimestamp(i + 1).putTags("i", Integer.toString(i))
                    .setLog(Log.newBuilder().setPayload(ByteString.copyFromUtf8("line " + i))).build());
        }
        sent.add(Envelope.newBuilder().setSourceId(id).setTimestamp(1000).setGauge(Gauge.newBuilder()
                .putMetrics("cpu", GaugeValue.newBuilder().setUnit("percentage").setValue(3).build())
                .putMetrics("memory", GaugeValue.newBuilder().setUnit("bytes").setValue(4).build())).build());
        sender.send(sent);
        await().atMost(WAIT).until(() -> received.stream().filter(e -> e.getTimestamp() > 0).count() == sent.size());
        assertEquals(sent, received.stream().filter(e -> e.getTimestamp() > 0).toList());
    }

    @Test
    void receiverWithoutPreferredTagsGetsDeprecatedTextTags() {
        String id = UUID.randomUUID().toString();
        ConcurrentLinkedQueue<Envelope> received = new ConcurrentLinkedQueue<>();
        EgressGrpc.newStub(channel).receiver(EgressRequest.newBuilder()
                .setLegacySelector(source(id).setLog(LogSelector.getDefaultInstance())).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(Envelope envelope) {
                        received.add(envelope);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            sender.send(List.of(Envelope.newBuilder().setSourceId(id).putTags("k", "v")
                    .setLog(Log.newBuilder().setPayload(ByteString.copyFromUtf8("x"))).build()));
            return !received.isEmpty();
        });
        Envelope first = received.peek();
        assertEquals(id, first.getSourceId());
        assertEquals(0, first.getTagsCount());
        assertEquals(Value.newBuilder().setText("v").build(), first.getDeprecatedTagsMap().get("k"));
    }

    @Test
    void aRequestWithoutSelectorsIsInvalid() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> EgressGrpc.newBlockingStub(channel)
                .batchedReceiver(EgressBatchRequest.getDefaultInstance()).hasNext());
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        StatusRuntimeException noMessage = assertThrows(StatusRuntimeException.class, () -> EgressGrpc.newBlockingStub(channel)
                .batchedReceiver(EgressBatchRequest.newBuilder().addSelectors(source("x")).build()).hasNext());
        assertEquals(Status.Code.INVALID_ARGUMENT, noMessage.getStatus().getCode());
    }

    private static StreamObserver<EnvelopeBatch> collect(ConcurrentLinkedQueue<Envelope> received) {
        return new StreamObserver<>() {
            @Override
            public void onNext(EnvelopeBatch batch) {
                received.addAll(batch.getBatchList());
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        };
    }
}
