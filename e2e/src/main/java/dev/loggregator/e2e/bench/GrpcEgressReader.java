package dev.loggregator.e2e.bench;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.cloudfoundry.loggregator.v2.EgressGrpc;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.EgressBatchRequest;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.LogSelector;
import org.cloudfoundry.loggregator.v2.LoggregatorEgress.Selector;

/**
 * A {@code loggregator.v2.Egress/BatchedReceiver} consumer as the firehose_exporter opens it (a log
 * selector for every source, its own shard id, preferred tags), reading each EnvelopeBatch as bytes on
 * the transport's thread and counting with {@link EnvelopeBatchScanner} instead of building every
 * envelope object.
 */
final class GrpcEgressReader implements BenchReader {
    private final DeliveryCounter counter;
    private final EnvelopeBatchScanner scanner;
    private final ManagedChannel channel;
    private final ClientCall<EgressBatchRequest, byte[]> call;
    private volatile String closedReason;

    GrpcEgressReader(String host, int port, String appPrefix, byte[] payload) {
        this.counter = new DeliveryCounter(appPrefix);
        this.scanner = new EnvelopeBatchScanner(counter, appPrefix, payload);
        this.channel = ManagedChannelBuilder.forAddress(host, port).usePlaintext().directExecutor()
                .maxInboundMessageSize(64 << 20).build();
        MethodDescriptor<EgressBatchRequest, byte[]> method = EgressGrpc.getBatchedReceiverMethod().toBuilder(
                ProtoUtils.marshaller(EgressBatchRequest.getDefaultInstance()), new RawBytes()).build();
        this.call = channel.newCall(method, CallOptions.DEFAULT);
        EgressBatchRequest request = EgressBatchRequest.newBuilder()
                .setShardId("bench-" + UUID.randomUUID())
                .setUsePreferredTags(true)
                .addSelectors(Selector.newBuilder().setLog(LogSelector.getDefaultInstance()))
                .build();
        ClientCalls.asyncServerStreamingCall(call, request, new StreamObserver<>() {
            @Override
            public void onNext(byte[] batch) {
                scanner.batch(batch, BenchClock.now());
            }

            @Override
            public void onError(Throwable t) {
                closedReason = "failed: " + t;
            }

            @Override
            public void onCompleted() {
                closedReason = "server completed the stream";
            }
        });
    }

    @Override
    public DeliveryCounter counter() {
        return counter;
    }

    @Override
    public boolean isOpen() {
        return closedReason == null;
    }

    @Override
    public String closedReason() {
        return closedReason;
    }

    @Override
    public String verification() {
        return scanner.verification();
    }

    long invalid() {
        return scanner.invalid();
    }

    @Override
    public void close() {
        call.cancel("benchmark done", null);
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The response as its marshalled bytes. */
    private static final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new java.io.ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
