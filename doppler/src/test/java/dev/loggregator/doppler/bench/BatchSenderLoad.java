package dev.loggregator.doppler.bench;

import com.google.protobuf.ByteString;
import dev.loggregator.doppler.support.RawBytes;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.cloudfoundry.loggregator.v2.IngressGrpc;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.EnvelopeBatch;

/**
 * A v2 {@code Ingress/BatchSender} load generator. Batches are serialized ahead of time (or,
 * for latency runs, stamped with the send time just before sending) so the generator spends its
 * CPU on the wire, not on building messages; it honours gRPC flow control, as agents do.
 */
final class BatchSenderLoad implements AutoCloseable {
    static final int BATCH = 100;
    private static final MethodDescriptor<byte[], byte[]> BATCH_SENDER = IngressGrpc.getBatchSenderMethod()
            .toBuilder(new RawBytes(), new RawBytes()).build();

    private final ManagedChannel channel;

    BatchSenderLoad(int port) {
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .flowControlWindow(4 << 20).build();
    }

    /** A v2 log whose v1 form is {@code v1Bytes} long (within a byte or two). */
    static LoggregatorEnvelope.Envelope log(String appId, int payloadBytes, long sendNanos) {
        byte[] payload = new byte[payloadBytes];
        ByteBuffer.wrap(payload).putLong(sendNanos);
        for (int i = 8; i < payload.length; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        return LoggregatorEnvelope.Envelope.newBuilder()
                .setTimestamp(System.currentTimeMillis() * 1_000_000L)
                .setSourceId(appId)
                .setInstanceId("0")
                .putTags("source_type", "APP/PROC/WEB")
                .setLog(LoggregatorEnvelope.Log.newBuilder().setPayload(ByteString.copyFrom(payload)))
                .build();
    }

    static String appId(int i) {
        return String.format("00000000-0000-4000-8000-%012d", i);
    }

    /** Pre-serialized batches cycling through {@code apps} app ids. */
    static List<byte[]> batches(int count, int apps, int payloadBytes) {
        List<byte[]> out = new ArrayList<>(count);
        int app = 0;
        for (int b = 0; b < count; b++) {
            EnvelopeBatch.Builder batch = EnvelopeBatch.newBuilder();
            for (int i = 0; i < BATCH; i++) {
                batch.addBatch(log(appId(app++ % apps), payloadBytes, 0));
            }
            out.add(batch.build().toByteArray());
        }
        return out;
    }

    /**
     * Sends batches (round-robin over {@code batches}) at {@code envelopesPerSecond} (0 = as fast as
     * flow control allows) for {@code seconds}; returns the number of envelopes sent.
     */
    long run(List<byte[]> batches, long envelopesPerSecond, double seconds) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ClientCallStreamObserver<byte[]> stream = open(done);
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long sent = 0;
        int next = 0;
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            if (envelopesPerSecond > 0) {
                long due = start + (long) (sent * 1e9 / envelopesPerSecond);
                if (due > now) {
                    LockSupport.parkNanos(Math.min(due - now, 1_000_000));
                    continue;
                }
            }
            if (!stream.isReady()) {
                LockSupport.parkNanos(20_000);
                continue;
            }
            stream.onNext(batches.get(next));
            next = (next + 1) % batches.size();
            sent += BATCH;
        }
        finish(stream, done);
        return sent;
    }

    /** Sends each batch once, as fast as flow control allows; returns the number of envelopes. */
    long sendOnce(List<byte[]> batches) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ClientCallStreamObserver<byte[]> stream = open(done);
        for (byte[] batch : batches) {
            while (!stream.isReady()) {
                LockSupport.parkNanos(20_000);
            }
            stream.onNext(batch);
        }
        finish(stream, done);
        return (long) batches.size() * BATCH;
    }

    /** Latency run: batches of {@code batchSize} stamped with System.nanoTime() when sent. */
    long runStamped(int batchSize, int apps, int payloadBytes, long envelopesPerSecond, double seconds) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ClientCallStreamObserver<byte[]> stream = open(done);
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long sent = 0;
        int app = 0;
        while (System.nanoTime() < end) {
            long due = start + (long) (sent * 1e9 / envelopesPerSecond);
            long now = System.nanoTime();
            if (due > now) {
                LockSupport.parkNanos(due - now);
                continue;
            }
            EnvelopeBatch.Builder batch = EnvelopeBatch.newBuilder();
            long stamp = System.nanoTime();
            for (int i = 0; i < batchSize; i++) {
                batch.addBatch(log(appId(app++ % apps), payloadBytes, stamp));
            }
            stream.onNext(batch.build().toByteArray());
            sent += batchSize;
        }
        finish(stream, done);
        return sent;
    }

    private ClientCallStreamObserver<byte[]> open(CompletableFuture<Void> done) {
        StreamObserver<byte[]> responses = new StreamObserver<>() {
            @Override
            public void onNext(byte[] value) {
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
        return (ClientCallStreamObserver<byte[]>) ClientCalls.asyncClientStreamingCall(
                channel.newCall(BATCH_SENDER, CallOptions.DEFAULT), responses);
    }

    private static void finish(ClientCallStreamObserver<byte[]> stream, CompletableFuture<Void> done) {
        stream.onCompleted();
        try {
            done.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("BatchSender stream failed", e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
}
