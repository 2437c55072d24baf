package dev.loggregator.trafficcontroller.v2.grpc;

import dev.loggregator.trafficcontroller.dopplers.EnvelopeSink;
import dev.loggregator.trafficcontroller.metrics.TrafficControllerMetrics;
import dev.loggregator.trafficcontroller.stream.BatchQueue;
import dev.loggregator.trafficcontroller.v2.V2DropNotices;
import dev.loggregator.wire.routing.EnvelopeRouting;
import dev.loggregator.wire.v2.TagPreference;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;

/**
 * One {@code loggregator.v2.Egress} receiver: Doppler links hand it batches of marshalled v2
 * envelopes; it queues them (bounded, so links never wait: under pressure the source ids sending most
 * are shed first, and every envelope dropped is counted for its source id) and sends them whenever
 * gRPC's flow control says the client can take more: many envelopes per {@code EnvelopeBatch} for
 * {@code BatchedReceiver}, one message per envelope for {@code Receiver}. A client that lost envelopes
 * finds the drop notices its selectors take ({@link V2DropNotices}), one set per source id that lost.
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
    private final V2DropNotices notices;
    private final Executor executor;
    private final TrafficControllerMetrics metrics;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    private volatile boolean done;

    GrpcStream(ServerCallStreamObserver<PreEncoded> call, boolean batched, TagPreference tags, String noticeSourceId,
               String peer, BatchQueue queue, V2DropNotices notices, Executor executor, TrafficControllerMetrics metrics) {
        this.call = call;
        this.batched = batched;
        this.tags = tags;
        this.noticeSourceId = noticeSourceId == null ? EnvelopeRouting.SYSTEM : noticeSourceId;
        this.peer = peer;
        this.queue = queue;
        this.notices = notices;
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
                if (queue.hasUntold()) {
                    long now = System.currentTimeMillis() * 1_000_000L;
                    for (Map.Entry<String, Long> lost : queue.takeUntold(noticeSourceId).entrySet()) {
                        List<byte[]> selected = notices(lost.getKey(), lost.getValue(), now);
                        if (!selected.isEmpty()) {
                            send(selected);
                        }
                    }
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

    private List<byte[]> notices(String app, long drops, long now) {
        List<byte[]> selected = new ArrayList<>(2);
        for (Envelope notice : notices.of(app, drops, queue.droppedTotal(), peer, now)) {
            selected.add(tags.apply(notice).toByteArray());
        }
        return selected;
    }

    /** The call is over: nothing more is queued or sent. */
    void close() {
        done = true;
        queue.close();
    }
}
