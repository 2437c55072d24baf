package dev.loggregator.doppler.support;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.cloudfoundry.loggregator.plumbing.DopplerIngestorGrpc;
import org.cloudfoundry.loggregator.plumbing.DopplerIngestorProto.EnvelopeData;
import org.cloudfoundry.loggregator.v2.IngressGrpc;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.EnvelopeBatch;

/** A gRPC client of the Doppler's ingress, calling it the way Loggregator agents do. */
public final class GrpcSender implements AutoCloseable {
    private final ManagedChannel channel;

    public GrpcSender(ManagedChannel channel) {
        this.channel = channel;
    }

    public static GrpcSender plaintext(int port) {
        return new GrpcSender(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
    }

    public ManagedChannel channel() {
        return channel;
    }

    /** {@code Ingress/Sender}: one stream, one envelope per message. */
    public void sender(List<Envelope> envelopes) {
        CompletableFuture<Object> done = new CompletableFuture<>();
        StreamObserver<Envelope> stream = IngressGrpc.newStub(channel).sender(responses(done));
        envelopes.forEach(stream::onNext);
        stream.onCompleted();
        await(done);
    }

    /** {@code Ingress/BatchSender}: one stream, the given batches. */
    public void batchSender(List<List<Envelope>> batches) {
        CompletableFuture<Object> done = new CompletableFuture<>();
        StreamObserver<EnvelopeBatch> stream = IngressGrpc.newStub(channel).batchSender(responses(done));
        for (List<Envelope> batch : batches) {
            stream.onNext(EnvelopeBatch.newBuilder().addAllBatch(batch).build());
        }
        stream.onCompleted();
        await(done);
    }

    /** {@code Ingress/Send}: one unary call. */
    public void send(List<Envelope> batch) {
        IngressGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .send(EnvelopeBatch.newBuilder().addAllBatch(batch).build());
    }

    /** {@code DopplerIngestor/Pusher}: v1 envelope bytes, one per message. */
    public void pusher(List<byte[]> envelopes) {
        CompletableFuture<Object> done = new CompletableFuture<>();
        StreamObserver<EnvelopeData> stream = DopplerIngestorGrpc.newStub(channel).pusher(responses(done));
        for (byte[] envelope : envelopes) {
            stream.onNext(EnvelopeData.newBuilder().setPayload(ByteString.copyFrom(envelope)).build());
        }
        stream.onCompleted();
        await(done);
    }

    private static <T> StreamObserver<T> responses(CompletableFuture<Object> done) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(null);
            }
        };
    }

    private static void await(CompletableFuture<Object> done) {
        try {
            done.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("gRPC call failed: " + e, e);
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
