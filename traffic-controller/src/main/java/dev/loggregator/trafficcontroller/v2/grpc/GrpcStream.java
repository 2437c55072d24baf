package dev.loggregator.trafficcontroller.v2.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.loggregator.trafficcontroller.dopplers.EnvelopeSink;
import dev.loggregator.trafficcontroller.metrics.SelfMetricsEmitter;
import dev.loggregator.trafficcontroller.metrics.TrafficControllerMetrics;
import dev.loggregator.trafficcontroller.stream.BatchQueue;
import dev.loggregator.wire.notice.DropNotices;
import dev.loggregator.wire.routing.EnvelopeRouting;
import dev.loggregator.wire.v2.TagPreference;
import dev.loggregator.wire.v2.V1ToV2Converter;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.cloudfoundry.dropsonde.events.EventFactory;

/**
 * One {@code loggregator.v2.Egress} receiver: Doppler links hand it batches of marshalled v2
 * envelopes; it queues them (bounded, dropping and counting beyond, so links never wait) and sends
 * them whenever gRPC's flow control says the client can take more: many envelopes per
 * {@code EnvelopeBatch} for {@code BatchedReceiver}, one message per envelope for {@code Receiver}.
 * A client that lost envelopes finds the v2 form of the drop notice pair in its stream.
 */
final class GrpcStream implements EnvelopeSink {
    /** Envelopes per EnvelopeBatch at most, and bytes per batch at most (well under gRPC's 4 MiB client default). */
    private static final int MAX_BATCH_ENVELOPES = 1000;
    private static final int MAX_BATCH_BYTES = 1 << 20;

    private final ServerCallStreamObserver<PreEncoded> call;
    private final boolean batched;
    private final TagPreference tags;
    private final String noticeSourceId;
    private final String peer;
    private final BatchQueue queue;
    private final Executor executor;
    private final TrafficControllerMetrics metrics;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    private volatile boolean done;

    GrpcStream(ServerCallStreamObserver<PreEncoded> call, boolean batched, TagPreference tags, String noticeSourceId,
               String peer, int capacity, Executor executor, TrafficControllerMetrics metrics) {
        this.call = call;
        this.batched = batched;
        this.tags = tags;
        this.noticeSourceId = noticeSourceId == null ? EnvelopeRouting.SYSTEM : noticeSourceId;
        this.peer = peer;
        this.queue = new BatchQueue(capacity);
        this.executor = executor;
        this.metrics = metrics;
    }

    @Override
    public void deliver(List<byte[]> envelopes) {
        if (done) {
            return;
        }
        int dropped = queue.offer(envelopes);
        if (dropped > 0) {
            metrics.dropped(TrafficControllerMetrics.V2_GRPC, dropped);
        }
        scheduleDrain();
    }

    /** Called when gRPC says the client can take more, and after every batch queued. */
    void scheduleDrain() {
        if (!done && draining.compareAndSet(false, true)) {
            try {
                executor.execute(drainTask);
            } catch (RejectedExecutionException shuttingDown) {
                draining.set(false);
            }
        }
    }

    private void drain() {
        try {
            while (!done && call.isReady()) {
                long drops = queue.takeUntold(noticeSourceId).values().stream().mapToLong(Long::longValue).sum();
                if (drops > 0) {
                    send(notices(drops));
                }
                List<byte[]> batch = new ArrayList<>();
                int bytes = 0;
                byte[] next;
                while (batch.size() < MAX_BATCH_ENVELOPES && bytes < MAX_BATCH_BYTES && (next = queue.poll()) != null) {
                    batch.add(next);
                    bytes += next.length;
                }
                if (batch.isEmpty()) {
                    break;
                }
                send(batch);
            }
        } catch (RuntimeException cancelled) {
            // The call ended while we sent (IllegalStateException / StatusRuntimeException): stop.
            close();
        } finally {
            draining.set(false);
        }
        // Something may have been queued, or the client become ready, after the loop looked.
        if (!done && queue.hasQueued() && call.isReady()) {
            scheduleDrain();
        }
    }

    private void send(List<byte[]> envelopes) {
        if (batched) {
            call.onNext(new PreEncoded(BatchLayout.batch(envelopes)));
        } else {
            for (byte[] envelope : envelopes) {
                call.onNext(new PreEncoded(envelope));
            }
        }
        metrics.egress(TrafficControllerMetrics.V2_GRPC, envelopes.size());
    }

    private List<byte[]> notices(long drops) {
        long now = System.currentTimeMillis() * 1_000_000L;
        return List.of(
                v2(DropNotices.logMessage(SelfMetricsEmitter.ORIGIN, noticeSourceId, drops, queue.droppedTotal(), peer, now)),
                v2(DropNotices.counterEvent(SelfMetricsEmitter.ORIGIN, drops, queue.droppedTotal(), now)));
    }

    private byte[] v2(byte[] v1) {
        try {
            return tags.apply(V1ToV2Converter.convert(EventFactory.Envelope.parseFrom(v1))).toByteArray();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a notice we just built does not parse", e);
        }
    }

    /** The call is over: nothing more is queued or sent. */
    void close() {
        done = true;
        queue.clear();
    }
}
