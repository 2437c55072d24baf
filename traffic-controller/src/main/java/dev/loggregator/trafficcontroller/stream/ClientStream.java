package dev.loggregator.trafficcontroller.stream;

import dev.loggregator.trafficcontroller.dopplers.EnvelopeSink;
import dev.loggregator.trafficcontroller.metrics.SelfMetricsEmitter;
import dev.loggregator.trafficcontroller.metrics.TrafficControllerMetrics;
import dev.loggregator.trafficcontroller.proxyprotocol.ClientAddress;
import dev.loggregator.wire.notice.DropNotices;
import dev.loggregator.wire.routing.EnvelopeRouting;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound half of one client's WebSocket stream. Doppler link threads hand it batches
 * ({@link #deliver}); it queues them up to {@code capacity} envelopes (dropping and counting
 * beyond, so the Dopplers and other clients never wait, and telling the client how many it missed
 * with the TruncatingBuffer notice once it takes data again) and drains them on the channel's event
 * loop, one binary frame per envelope, framed back to back into 64 KiB buffers and flushed once
 * per drain rather than per frame (performance-notes.md: the flush and the per-message
 * bookkeeping, not the bytes, decide throughput). A client that takes no data for the slow-consumer timeout while
 * data waits is closed with 1000 and counted, as the original did.
 */
public final class ClientStream extends ChannelInboundHandlerAdapter implements EnvelopeSink {
    private static final Logger LOG = LoggerFactory.getLogger(ClientStream.class);
    /** Frames are laid out back to back in buffers of this size: one write and one outbound entry per 64 KiB. */
    private static final int CHUNK_BYTES = 64 * 1024;

    private final String endpoint;
    private final String description;
    private final TrafficControllerMetrics metrics;
    private final int capacity;
    private final long slowConsumerNanos;
    private final Function<EnvelopeSink, AutoCloseable> subscribe;
    private final Queue<List<byte[]>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicLong droppedSinceNotice = new AtomicLong();
    private final String appId;
    private volatile String droppedAppId;
    private long droppedTotal;
    private final Runnable drainTask = this::drain;
    private volatile boolean released;
    private ChannelHandlerContext ctx;
    private AutoCloseable upstream;
    private ScheduledFuture<?> slowCheck;
    private List<byte[]> current;
    private int currentIndex;
    private long lastProgressNanos;

    /**
     * @param endpoint  {@link TrafficControllerMetrics#FIREHOSE} or {@link TrafficControllerMetrics#STREAM}
     * @param appId     the app of an app stream (null for the firehose), for drop notices
     * @param subscribe opens the upstream for this stream once it is in the pipeline; closed when the client goes
     */
    public ClientStream(String endpoint, String appId, String description, TrafficControllerMetrics metrics, int capacity,
                        long slowConsumerMillis, Function<EnvelopeSink, AutoCloseable> subscribe) {
        this.endpoint = endpoint;
        this.appId = appId;
        this.description = description;
        this.metrics = metrics;
        this.capacity = capacity;
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
        upstream = subscribe.apply(this);
        LOG.info("{} opened", description);
    }

    /** From Doppler link threads. */
    @Override
    public void deliver(List<byte[]> envelopes) {
        if (released) {
            return;
        }
        int size = envelopes.size();
        if (queued.addAndGet(size) > capacity) {
            queued.addAndGet(-size);
            metrics.dropped(endpoint, size);
            if (appId == null && droppedAppId == null) {
                droppedAppId = routingAppId(envelopes.get(0));
            }
            droppedSinceNotice.addAndGet(size);
            return;
        }
        queue.offer(envelopes);
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
        ByteBuf chunk = null;
        long drops = droppedSinceNotice.get();
        if (drops > 0 && channel.isWritable()) {
            // As the Doppler's TruncatingBuffer does: once the client takes data again, tell it what it missed.
            droppedSinceNotice.addAndGet(-drops);
            droppedTotal += drops;
            chunk = ctx.alloc().directBuffer(CHUNK_BYTES);
            long now = System.currentTimeMillis() * 1_000_000L;
            String noticeApp = appId != null ? appId : droppedAppId != null ? droppedAppId : EnvelopeRouting.SYSTEM;
            BinaryFrames.write(chunk, DropNotices.logMessage(SelfMetricsEmitter.ORIGIN, noticeApp, drops, droppedTotal,
                    ClientAddress.of(channel), now));
            BinaryFrames.write(chunk, DropNotices.counterEvent(SelfMetricsEmitter.ORIGIN, drops, droppedTotal, now));
            written += 2;
        }
        while (channel.isWritable()) {
            if (current == null || currentIndex == current.size()) {
                current = queue.poll();
                currentIndex = 0;
                if (current == null) {
                    break;
                }
                queued.addAndGet(-current.size());
            }
            byte[] envelope = current.get(currentIndex++);
            int frameLength = BinaryFrames.frameLength(envelope.length);
            if (chunk != null && chunk.writableBytes() < frameLength) {
                ctx.write(chunk, ctx.voidPromise());
                chunk = null;
            }
            if (chunk == null) {
                chunk = ctx.alloc().directBuffer(Math.max(CHUNK_BYTES, frameLength));
            }
            BinaryFrames.write(chunk, envelope);
            written++;
        }
        if (chunk != null) {
            ctx.write(chunk, ctx.voidPromise());
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
        boolean waiting = !channel.isWritable() || queued.get() > 0 || (current != null && currentIndex < current.size());
        if (!waiting) {
            lastProgressNanos = now;
        } else if (now - lastProgressNanos > slowConsumerNanos && !StreamClose.isClosing(channel)) {
            LOG.warn("Doppler Proxy: Slow Consumer: {} took no data for {} ms; closing", description,
                    TimeUnit.NANOSECONDS.toMillis(now - lastProgressNanos));
            metrics.slowConsumer();
            discardQueued();
            StreamClose.close(channel, StreamClose.NORMAL, "");
        }
    }

    private static String routingAppId(byte[] envelope) {
        try {
            return EnvelopeRouting.read(envelope).appId();
        } catch (RuntimeException e) {
            return EnvelopeRouting.SYSTEM;
        }
    }

    private void discardQueued() {
        current = null;
        queue.clear();
        queued.set(0);
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
