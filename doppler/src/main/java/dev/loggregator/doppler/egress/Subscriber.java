package dev.loggregator.doppler.egress;

import dev.loggregator.doppler.logging.RateLimitedLog;
import dev.loggregator.doppler.metrics.DopplerMetrics;
import dev.loggregator.doppler.metrics.DropReason;
import dev.loggregator.doppler.metrics.EgressEndpoint;
import dev.loggregator.doppler.routing.EnvelopeSubscriber;
import dev.loggregator.doppler.routing.RoutedEnvelope;
import dev.loggregator.wire.notice.DropNotices;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jctools.queues.SpscChunkedArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket subscriber: a bounded queue filled by the router thread and drained on the
 * connection's own event loop. A drain packs many envelopes into each frame and flushes once,
 * so a busy subscriber costs a few system calls per thousand envelopes. When the queue is full
 * the envelope is dropped for this subscriber only and a drop notice goes into its stream.
 */
final class Subscriber implements EnvelopeSubscriber {
    private static final Logger LOG = LoggerFactory.getLogger(Subscriber.class);
    private static final RateLimitedLog DROP_LOG = new RateLimitedLog(LOG);
    /** The origin of the drop notices, as the original Doppler signed them. */
    private static final String ORIGIN = "DopplerServer";
    /** Well under the protocol's 1 MiB limit: big enough to amortise a frame, small enough to keep latency flat. */
    static final int MAX_FRAME_BYTES = 256 * 1024;
    /** Bytes one drain may write before it yields the event loop to other connections. */
    private static final int MAX_DRAIN_BYTES = 2 << 20;

    private final Channel channel;
    private final EgressEndpoint endpoint;
    private final String appId;
    private final DopplerMetrics metrics;
    private final SpscChunkedArrayQueue<RoutedEnvelope> queue;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicLong droppedSinceNotice = new AtomicLong();
    private final Runnable drainTask = this::drain;
    private volatile String droppedAppId;
    private long droppedTotal; // event loop only
    private boolean open; // event loop only: the handshake answer is out, frames may follow

    Subscriber(Channel channel, EgressEndpoint endpoint, String appId, int queueSize, DopplerMetrics metrics) {
        this.channel = channel;
        this.endpoint = endpoint;
        this.appId = appId;
        this.metrics = metrics;
        // Grows in chunks up to its bound: an idle app stream costs a small array, not queueSize slots.
        int capacity = Math.max(16, queueSize);
        this.queue = new SpscChunkedArrayQueue<>(Math.max(8, Math.min(1024, capacity / 4)), capacity);
    }

    @Override
    public boolean offer(RoutedEnvelope envelope) {
        if (!queue.offer(envelope)) {
            return false;
        }
        // The drain clears its flag and then looks at the queue; we queued and now look at the
        // flag. Without a full fence both can miss the other (store-load reordering) and the
        // envelope would wait for the next offer.
        VarHandle.fullFence();
        scheduleDrain();
        return true;
    }

    @Override
    public void dropped(RoutedEnvelope envelope) {
        if (droppedSinceNotice.getAndIncrement() == 0) {
            droppedAppId = envelope.appId();
        }
        metrics.dropped().increment(DropReason.SLOW_SUBSCRIBER);
        DROP_LOG.warn("TB: Output channel too full: dropping envelopes for {} subscriber {}",
                endpoint.label(), channel.remoteAddress());
    }

    void scheduleDrain() {
        if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true)) {
            channel.eventLoop().execute(drainTask);
        }
    }

    /** On the event loop, once the WebSocket handshake answer is written: starts delivering. */
    void open() {
        open = true;
        drain();
    }

    /** Runs on the channel's event loop: fills frames from the queue while the connection takes writes. */
    void drain() {
        drainScheduled.set(false);
        if (!channel.isActive()) {
            queue.clear();
            return;
        }
        if (!open) {
            return;
        }
        int budget = MAX_DRAIN_BYTES;
        boolean wrote = false;
        while (budget > 0 && channel.isWritable()) {
            ByteBuf frame = null;
            int count = 0;
            long drops = droppedSinceNotice.get();
            if (drops > 0) {
                droppedSinceNotice.addAndGet(-drops);
                droppedTotal += drops;
                frame = noticeFrame(drops);
            }
            RoutedEnvelope next;
            while ((next = queue.relaxedPeek()) != null) {
                int need = BatchEncoding.RECORD_HEADER_BYTES + next.bytes().length;
                if (frame == null) {
                    frame = channel.alloc().ioBuffer(Math.min(MAX_FRAME_BYTES, Math.max(need, need * queue.size())));
                } else if (frame.readableBytes() + need > MAX_FRAME_BYTES && frame.readableBytes() > 0) {
                    break;
                }
                queue.relaxedPoll();
                BatchEncoding.append(frame, next.bytes());
                count++;
            }
            if (frame == null) {
                break;
            }
            budget -= frame.readableBytes();
            metrics.egress().add(endpoint, count);
            channel.write(new BinaryWebSocketFrame(frame), channel.voidPromise());
            wrote = true;
            if (next == null) {
                break; // queue is empty
            }
        }
        if (wrote) {
            channel.flush();
        }
        if (!queue.isEmpty() && channel.isWritable()) {
            scheduleDrain(); // budget used up: let the event loop serve other connections first
        }
    }

    private ByteBuf noticeFrame(long drops) {
        long now = wallClockNanos();
        String destination = String.valueOf(channel.remoteAddress());
        String noticeApp = appId != null ? appId : droppedAppId == null ? "system" : droppedAppId;
        byte[] log = DropNotices.logMessage(ORIGIN, noticeApp, drops, droppedTotal, destination, now);
        byte[] counter = DropNotices.counterEvent(ORIGIN, drops, droppedTotal, now);
        ByteBuf frame = channel.alloc().ioBuffer(MAX_FRAME_BYTES);
        BatchEncoding.append(frame, log);
        BatchEncoding.append(frame, counter);
        return frame;
    }

    /** Envelopes still queued; read from the shutdown path to wait for a drain. */
    int queued() {
        return queue.size();
    }

    Channel channel() {
        return channel;
    }

    private static long wallClockNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
