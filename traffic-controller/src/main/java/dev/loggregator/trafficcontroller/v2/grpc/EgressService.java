package dev.loggregator.trafficcontroller.v2.grpc;

import dev.loggregator.trafficcontroller.dopplers.DopplerConnector;
import dev.loggregator.trafficcontroller.dopplers.LinkFrames;
import dev.loggregator.trafficcontroller.metrics.TrafficControllerMetrics;
import dev.loggregator.trafficcontroller.stream.AppShares;
import dev.loggregator.trafficcontroller.stream.BatchQueue;
import dev.loggregator.trafficcontroller.stream.FairShareRule;
import dev.loggregator.trafficcontroller.stream.StreamBudget;
import dev.loggregator.trafficcontroller.v2.V2DropNotices;
import dev.loggregator.server.grpc.PeerAddress;
import dev.loggregator.wire.v2.TagPreference;
import dev.loggregator.wire.v2.link.V2LinkQuery;
import dev.loggregator.wire.v2.select.EnvelopeSelection;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.cloudfoundry.loggregator.v2.EgressGrpc;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.EgressBatchRequest;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.EgressRequest;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.Selector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code loggregator.v2.Egress} as the reverse log proxy serves it (loggregator-release
 * {@code rlp/internal/egress/server.go}): the legacy selector is used only when no selectors are
 * given; no selector, or one without a message, is {@code INVALID_ARGUMENT}; beyond the stream limit
 * {@code RESOURCE_EXHAUSTED}. Each call subscribes on every Doppler with its selectors and shard id
 * and receives marshalled v2 envelopes in its tag preference, relayed without being parsed; its queue is
 * fair per source id, as the v1 streams' are per app ({@link AppShares}).
 */
public final class EgressService {
    private static final Logger LOG = LoggerFactory.getLogger(EgressService.class);
    /** A Doppler's v2 record is at most an envelope grown by its tags; a frame caps it at 1 MiB. */
    private static final int MAX_RECORD_BYTES = 1 << 20;

    private final DopplerConnector connector;
    private final TrafficControllerMetrics metrics;
    private final Executor executor;
    private final int capacity;
    private final StreamBudget budget;
    private final FairShareRule fairShare;
    private final int maxStreams;
    private final AtomicInteger streams = new AtomicInteger();

    /**
     * {@code executor} runs the streams' drains: they only copy bytes into gRPC's buffers and never block. A stream
     * of one source id queues {@code capacity} envelopes, one of several or all its part of {@code budget}.
     */
    public EgressService(DopplerConnector connector, TrafficControllerMetrics metrics, Executor executor, int capacity,
                         StreamBudget budget, FairShareRule fairShare, int maxStreams) {
        this.connector = connector;
        this.metrics = metrics;
        this.executor = executor;
        this.capacity = capacity;
        this.budget = budget;
        this.fairShare = fairShare;
        this.maxStreams = maxStreams;
    }

    public ServerServiceDefinition definition() {
        MethodDescriptor<EgressRequest, PreEncoded> receiver = EgressGrpc.getReceiverMethod()
                .toBuilder(ProtoUtils.marshaller(EgressRequest.getDefaultInstance()), PreEncoded.MARSHALLER).build();
        MethodDescriptor<EgressBatchRequest, PreEncoded> batched = EgressGrpc.getBatchedReceiverMethod()
                .toBuilder(ProtoUtils.marshaller(EgressBatchRequest.getDefaultInstance()), PreEncoded.MARSHALLER).build();
        return ServerServiceDefinition.builder(EgressGrpc.SERVICE_NAME)
                .addMethod(receiver, ServerCalls.asyncServerStreamingCall((request, response) -> open(
                        EgressBatchRequest.newBuilder()
                                .setShardId(request.getShardId())
                                .setDeterministicName(request.getDeterministicName())
                                .addAllSelectors(converge(request.hasLegacySelector() ? request.getLegacySelector() : null,
                                        request.getSelectorsList()))
                                .setUsePreferredTags(request.getUsePreferredTags())
                                .build(), false, response)))
                .addMethod(batched, ServerCalls.asyncServerStreamingCall((request, response) -> open(
                        request.toBuilder()
                                .clearLegacySelector()
                                .clearSelectors()
                                .addAllSelectors(converge(request.hasLegacySelector() ? request.getLegacySelector() : null,
                                        request.getSelectorsList()))
                                .build(), true, response)))
                .build();
    }

    /** The RLP's convergeSelectors: the selectors when there are any, else the legacy one, else none. */
    private static List<Selector> converge(Selector legacy, List<Selector> selectors) {
        if (!selectors.isEmpty() || legacy == null) {
            return selectors;
        }
        return List.of(legacy);
    }

    private void open(EgressBatchRequest request, boolean batched, StreamObserver<PreEncoded> response) {
        ServerCallStreamObserver<PreEncoded> call = (ServerCallStreamObserver<PreEncoded>) response;
        EnvelopeSelection selection;
        try {
            selection = EnvelopeSelection.of(request.getSelectorsList());
        } catch (IllegalArgumentException e) {
            call.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        if (streams.incrementAndGet() > maxStreams) {
            streams.decrementAndGet();
            call.onError(Status.RESOURCE_EXHAUSTED
                    .withDescription("unable to create stream, max egress streams reached: " + maxStreams).asRuntimeException());
            return;
        }
        Set<String> sourceIds = selection.sourceIds();
        String peer = String.valueOf(PeerAddress.current());
        String sourceId = sourceIds.size() == 1 ? sourceIds.iterator().next() : null;
        AppShares shares = AppShares.v2Protobuf(fairShare, metrics::appDropped);
        GrpcStream stream = new GrpcStream(call, batched, TagPreference.of(request.getUsePreferredTags()), sourceId, peer,
                sourceId != null ? new BatchQueue(capacity, shares) : new BatchQueue(budget, shares),
                new V2DropNotices(selection), executor, metrics);
        metrics.streamOpened(TrafficControllerMetrics.V2_GRPC);
        AutoCloseable upstream = connector.subscribe(V2LinkQuery.pathAndQuery(request, V2LinkQuery.Format.PROTOBUF),
                LinkFrames.batches(stream, MAX_RECORD_BYTES));
        Runnable end = () -> {
            stream.close();
            try {
                upstream.close();
            } catch (Exception e) {
                LOG.warn("cannot close the Doppler links of a gRPC egress stream", e);
            }
            streams.decrementAndGet();
            metrics.streamClosed(TrafficControllerMetrics.V2_GRPC);
        };
        call.setOnCancelHandler(end::run);
        call.setOnReadyHandler(stream::scheduleDrain);
        LOG.info("gRPC egress {} opened: shard '{}', {} selectors", batched ? "BatchedReceiver" : "Receiver",
                request.getShardId(), request.getSelectorsCount());
    }

}
