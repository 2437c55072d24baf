package dev.loggregator.trafficcontroller.stream;

import dev.loggregator.trafficcontroller.dopplers.EnvelopeSink;
import dev.loggregator.trafficcontroller.metrics.AppDropReason;
import dev.loggregator.trafficcontroller.metrics.TrafficControllerMetrics;
import dev.loggregator.trafficcontroller.proxyprotocol.ClientAddress;
import dev.loggregator.wire.routing.EnvelopeRouting;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound half of one client's stream (a v1 WebSocket or a v2 Server-Sent Events response).
 * Doppler link threads hand it batches ({@link #deliver}); it queues them in its {@link BatchQueue}
 * (dropping and counting beyond its bound, under pressure the apps sending most first, so the Dopplers
 * and other clients never wait, and telling the client how many of each app's envelopes it missed once it
 * takes data again) and drains them on the channel's
 * event loop, laid out by its {@link StreamFraming} back to back into 64 KiB buffers and flushed
 * once per drain rather than per frame (performance-notes.md: the flush and the per-message
 * bookkeeping, not the bytes, decide throughput). A client that takes no data for the slow-consumer
 * timeout while data waits is closed ({@link StreamClose}) and counted, as the original did; what it
 * lost is told to the next stream of its subscription ({@link LossLedger}).
 */
public final class OutboundStream extends ChannelInboundHandlerAdapter implements EnvelopeSink {
    private static final Logger LOG = LoggerFactory.getLogger(OutboundStream.class);
    private static final int CHUNK_BYTES = StreamFraming.CHUNK_BYTES;

    private final String endpoint;
    private final StreamFraming framing;
    private final String description;
    private final TrafficControllerMetrics metrics;
    private final long slowConsumerNanos;
    private final Function<EnvelopeSink, AutoCloseable> subscribe;
    private final BatchQueue queue;
    private final LossLedger ledger;
    private final String ledgerKey;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final String appId;
    private final Runnable drainTask = this::drain;
    private volatile boolean released;
    private ChannelHandlerContext ctx;
    private AutoCloseable upstream;
    private ScheduledFuture<?> slowCheck;
    private long lastProgressNanos;

    /**
     * @param endpoint  the metrics label ({@link TrafficControllerMetrics#FIREHOSE}, {@link TrafficControllerMetrics#STREAM}, ...)
     * @param appId     the app of an app stream (null for the firehose), for drop notices of envelopes whose app the queue did not read
     * @param queue     the client's queue (its bound, and {@link AppShares} to shed and count by app)
     * @param subscribe opens the upstream for this stream once it is in the pipeline; closed when the client goes
     */
    public OutboundStream(String endpoint, StreamFraming framing, String appId, String description,
                          TrafficControllerMetrics metrics, BatchQueue queue, long slowConsumerMillis,
                          Function<EnvelopeSink, AutoCloseable> subscribe, LossLedger ledger, String ledgerKey) {
        this.ledger = ledger;
        this.ledgerKey = ledgerKey;
        this.endpoint = endpoint;
        this.framing = framing;
        this.appId = appId;
        this.description = description;
        this.metrics = metrics;
        this.queue = queue;
        this.slowConsumerNanos = TimeUnit.MILLISECONDS.toNanos(slowConsumerMillis);
        this.subscribe = subscribe;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        lastProgressNanos = System.nanoTime();
        metrics.streamOpened(endpoint);
        if (!ctx.channel().isActive()) {
            release();
            return;
        }
        long checkMillis = Math.max(50, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(slowConsumerNanos) / 4));
        slowCheck = ctx.executor().scheduleAtFixedRate(this::checkSlowConsumer, checkMillis, checkMillis,
                TimeUnit.MILLISECONDS);
        // What this subscription lost when its last connection was cut as a slow consumer: told first.
        long lostBefore = ledger.take(ledgerKey);
        if (lostBefore > 0) {
            queue.addDropped(lostBefore);
            drainScheduled.set(true);
            ctx.executor().execute(drainTask);
        }
        upstream = subscribe.apply(this);
        LOG.info("{} opened", description);
    }

    /** From Doppler link threads. */
    @Override
    public void deliver(List<byte[]> envelopes) {
        if (released) {
            return;
        }
        int dropped = queue.offer(envelopes);
        if (dropped > 0) {
            metrics.dropped(endpoint, dropped);
            if (dropped == envelopes.size()) {
                return;
            }
        }
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                ctx.executor().execute(drainTask);
            } catch (RejectedExecutionException shuttingDown) {
                // The event loop is stopping (server shutdown): the client is being closed anyway,
                // and a Doppler link's reader must not fail over it. The queue goes with the stream.
                drainScheduled.set(false);
            }
        }
    }

    private void drain() {
        drainScheduled.set(false);
        Channel channel = ctx.channel();
        if (released || StreamClose.isClosing(channel)) {
            discardQueued();
            return;
        }
        int written = 0;
        // As the Doppler's TruncatingBuffer does: once the client takes data again, tell it what it missed,
        // a notice for each app that lost envelopes, naming it.
        if (queue.hasUntold() && channel.isWritable()) {
            long now = System.currentTimeMillis() * 1_000_000L;
            String destination = ClientAddress.of(channel);
            for (Map.Entry<String, Long> lost : queue.takeUntold(appId != null ? appId : EnvelopeRouting.SYSTEM).entrySet()) {
                StreamFraming.Notice notice = framing.notice(ctx.alloc().directBuffer(1024), lost.getKey(), lost.getValue(),
                        queue.droppedTotal(), destination, now);
                if (notice != null) {
                    ctx.write(notice.message(), ctx.voidPromise());
                    written += notice.envelopes();
                }
            }
        }
        ByteBuf chunk = null;
        int inChunk = 0;
        int maxInChunk = framing.maxRecordsPerChunk();
        while (channel.isWritable()) {
            byte[] envelope = queue.poll();
            if (envelope == null) {
                break;
            }
            int recordBytes = framing.recordBytes(envelope);
            if (chunk != null && (chunk.writableBytes() < recordBytes || inChunk == maxInChunk)) {
                ctx.write(framing.endChunk(chunk), ctx.voidPromise());
                chunk = null;
            }
            if (chunk == null) {
                chunk = ctx.alloc().directBuffer(Math.max(CHUNK_BYTES, recordBytes + 64));
                framing.startChunk(chunk);
                inChunk = 0;
            }
            framing.writeRecord(chunk, envelope, inChunk == 0);
            inChunk++;
            written++;
        }
        if (chunk != null) {
            ctx.write(framing.endChunk(chunk), ctx.voidPromise());
        }
        if (written > 0) {
            ctx.flush();
            lastProgressNanos = System.nanoTime();
            metrics.egress(endpoint, written);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            lastProgressNanos = System.nanoTime();
            drain();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void checkSlowConsumer() {
        Channel channel = ctx.channel();
        long now = System.nanoTime();
        boolean waiting = !channel.isWritable() || queue.hasQueued();
        if (!waiting) {
            lastProgressNanos = now;
        } else if (now - lastProgressNanos > slowConsumerNanos && !StreamClose.isClosing(channel)) {
            LOG.warn("Doppler Proxy: Slow Consumer: {} took no data for {} ms; closing", description,
                    TimeUnit.NANOSECONDS.toMillis(now - lastProgressNanos));
            metrics.slowConsumer();
            // It cannot read a notice behind the data it is not reading: its next connection is told.
            long untold = queue.takeUntold(EnvelopeRouting.SYSTEM).values().stream().mapToLong(Long::longValue).sum();
            long discarded = queue.discard(AppDropReason.SLOW_CONSUMER);
            ledger.record(ledgerKey, discarded + untold);
            metrics.dropped(endpoint, (int) discarded);
            StreamClose.close(channel, StreamClose.NORMAL, "");
        }
    }

    private void discardQueued() {
        queue.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("{}: {}", description, cause.toString());
        ctx.close();
    }

    private void release() {
        if (released) {
            return;
        }
        released = true;
        if (slowCheck != null) {
            slowCheck.cancel(false);
        }
        discardQueued();
        metrics.streamClosed(endpoint);
        if (upstream != null) {
            try {
                upstream.close();
            } catch (Exception e) {
                LOG.warn("{}: cannot close upstream", description, e);
            }
        }
        LOG.info("{} closed", description);
    }
}
