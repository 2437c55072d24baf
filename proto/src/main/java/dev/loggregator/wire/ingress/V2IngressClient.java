package dev.loggregator.wire.ingress;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.cloudfoundry.loggregator.v2.IngressGrpc;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.EnvelopeBatch;
import org.cloudfoundry.loggregator.v2.LoggregatorIngress.BatchSenderResponse;

/**
 * Sends v2 envelopes to a Doppler the way a Loggregator agent does: one long-lived
 * {@code loggregator.v2.Ingress/BatchSender} stream carrying batches. It respects gRPC flow control
 * (waits while the stream is not ready) so a load generator measures the server rather than its
 * own buffering. A broken stream is reported to the caller and reopened on the next send.
 */
public final class V2IngressClient implements AutoCloseable {
    /** BatchSender with marshalled batches: a batch sent many times (a load generator's) is encoded once. */
    private static final MethodDescriptor<byte[], BatchSenderResponse> BATCH_SENDER = IngressGrpc.getBatchSenderMethod()
            .toBuilder(new EncodedBatchMarshaller(), ProtoUtils.marshaller(BatchSenderResponse.getDefaultInstance()))
            .build();

    private final ManagedChannel channel;
    private final Object readiness = new Object();
    private Stream stream;

    private final class Stream implements ClientResponseObserver<byte[], BatchSenderResponse> {
        private ClientCallStreamObserver<byte[]> requests;
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        @Override
        public void beforeStart(ClientCallStreamObserver<byte[]> requestStream) {
            this.requests = requestStream;
            requestStream.setOnReadyHandler(() -> {
                synchronized (readiness) {
                    readiness.notifyAll();
                }
            });
        }

        @Override
        public void onNext(BatchSenderResponse value) {
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
            synchronized (readiness) {
                readiness.notifyAll();
            }
        }

        @Override
        public void onCompleted() {
            done.complete(null);
        }
    }

    /** A plaintext client; the gRPC transport on the classpath (grpc-netty) provides the channel. */
    public V2IngressClient(String host, int port) {
        this(ManagedChannelBuilder.forAddress(host, port).usePlaintext().build());
    }

    /** A client on a channel the caller built (TLS, for example); {@link #close()} shuts it down. */
    public V2IngressClient(ManagedChannel channel) {
        this.channel = channel;
    }

    public void send(Envelope envelope) {
        send(List.of(envelope));
    }

    /**
     * Sends one batch, waiting while the server applies back-pressure.
     *
     * @throws IngressUnavailableException when the stream broke (the batch may be lost); the next call reopens it
     */
    public void send(List<Envelope> batch) {
        send(EnvelopeBatch.newBuilder().addAllBatch(batch).build().toByteArray());
    }

    /**
     * Sends one marshalled {@code EnvelopeBatch} as it is, waiting while the server applies back-pressure.
     *
     * @throws IngressUnavailableException when the stream broke (the batch may be lost); the next call reopens it
     */
    public synchronized void send(byte[] encodedBatch) {
        if (stream == null || stream.done.isDone()) {
            stream = new Stream();
            ClientCalls.asyncClientStreamingCall(channel.newCall(BATCH_SENDER, CallOptions.DEFAULT), stream);
        }
        Stream current = stream;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        synchronized (readiness) {
            while (!current.requests.isReady() && !current.done.isDone()) {
                if (System.nanoTime() > deadline) {
                    throw new IngressUnavailableException("the Doppler accepted nothing for 30 s", null);
                }
                try {
                    readiness.wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IngressUnavailableException("interrupted", e);
                }
            }
        }
        if (current.done.isDone()) {
            stream = null;
            throw new IngressUnavailableException("the ingress stream ended", failure(current));
        }
        current.requests.onNext(encodedBatch);
    }

    /** Ends the stream and waits until the Doppler has acknowledged everything sent on it. */
    public synchronized void flush() {
        Stream current = stream;
        if (current == null) {
            return;
        }
        stream = null;
        if (!current.done.isDone()) {
            current.requests.onCompleted();
        }
        try {
            current.done.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IngressUnavailableException("the Doppler did not acknowledge the stream", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IngressUnavailableException("interrupted", e);
        }
    }

    private static Throwable failure(Stream stream) {
        try {
            stream.done.getNow(null);
            return null;
        } catch (RuntimeException e) {
            return e.getCause() == null ? e : e.getCause();
        }
    }

    @Override
    public void close() {
        try {
            flush();
        } catch (IngressUnavailableException e) {
            // Closing anyway: nothing more can be delivered on this channel.
        }
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
