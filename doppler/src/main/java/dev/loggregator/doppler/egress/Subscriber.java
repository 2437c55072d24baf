package dev.loggregator.doppler.egress;

import dev.loggregator.doppler.logging.RateLimitedLog;
import dev.loggregator.doppler.metrics.DopplerMetrics;
import dev.loggregator.doppler.metrics.DropReason;
import dev.loggregator.doppler.metrics.EgressEndpoint;
import dev.loggregator.doppler.routing.EnvelopeSubscriber;
import dev.loggregator.fairness.FairShare;
import dev.loggregator.doppler.routing.RoutedEnvelope;
import dev.loggregator.wire.framing.LinkSequence;
import dev.loggregator.wire.multiplex.AppStreamMultiplex;
import dev.loggregator.wire.routing.EnvelopeRouting;
import dev.loggregator.wire.notice.DropNotices;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.concurrent.atomic.AtomicLong;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket subscriber: a bounded queue ({@link SubscriberQueue}) filled by the router thread and drained on the
 * connection's own event loop. A drain packs many envelopes into each frame and flushes once,
 * so a busy subscriber costs a few system calls per thousand envelopes. When the queue is full
 * the envelope is dropped for this subscriber only and a drop notice goes into its stream.
 *
 * <p>A multiplexed subscriber carries the app streams of a whole Traffic Controller on one link
 * (docs/internal-protocol.md): each frame holds one app's envelopes behind that app's tag, and
 * drops are counted and noticed per app.
 */
final class Subscriber implements EnvelopeSubscriber {
    private static final Logger LOG = LoggerFactory.getLogger(Subscriber.class);
    private static final RateLimitedLog DROP_LOG = new RateLimitedLog(LOG);
    /** The origin of the drop notices, as the original Doppler signed them. */
    private static final String ORIGIN = "DopplerServer";
    /** Well under the protocol's 1 MiB limit: big enough to amortise a frame, small enough to keep latency flat. */
    static final int MAX_FRAME_BYTES = 256 * 1024;
    /**
     * How long a retired link waits for its Traffic Controller to answer its Close: the default link silence. A
     * link that goes silent meanwhile is also closed by its silence check (doppler.link_silence_seconds) when
     * that is shorter.
     */
    static final int RETIRED_CLOSE_GRACE_SECONDS = 45;
    /** Bytes one drain may write before it yields the event loop to other connections. */
    private static final int MAX_DRAIN_BYTES = 2 << 20;

    private final Channel channel;
    private final EgressEndpoint endpoint;
    private final String appId;
    private final DopplerMetrics metrics;
    private final SubscriberQueue queue;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicLong droppedSinceNotice = new AtomicLong();
    private final Runnable drainTask = this::drain;
    private volatile String droppedAppId;
    private long droppedTotal; // event loop only
    private final boolean multiplexed;
    private final LinkFormat format;
    /** Multiplexed: the apps followed, with their frame tags. Event loop only. */
    private final Map<String, byte[]> tags = new HashMap<>();
    /** Multiplexed: drops per app since the last notice (router thread adds, event loop takes). */
    private final Map<String, AtomicLong> droppedByApp = new ConcurrentHashMap<>();
    /** Multiplexed: drops per followed app over the link's life. Event loop only. */
    private final Map<String, Long> droppedTotalByApp = new HashMap<>();
    private boolean open; // event loop only: the handshake answer is out, frames may follow
    /** Sheds the apps sending most once the queue is half full; null when fair sharing is off. Router thread only. */
    private final FairShare fairShare;
    /** Router sequence numbers dispatched so far (Subscriptions.lastDispatched). */
    private final LongSupplier dispatched;
    /** Every envelope up to this sequence number meant for this link is in a frame written. Event loop only. */
    private long sentSequence;
    /** Replaced by a newer link of the same subscription: takes nothing more. Written on the router thread. */
    private volatile boolean retired;
    /** Takes this subscriber out of its routing (group or app streams); set once it is subscribed. */
    private volatile Runnable removal = () -> { };
    private volatile boolean closeSent; // written on the event loop

    Subscriber(Channel channel, EgressEndpoint endpoint, String appId, SubscriberQueue queue, DopplerMetrics metrics,
               LinkFormat format, LongSupplier dispatched, double fairShareFactor) {
        this(channel, endpoint, appId, queue, metrics, false, format, dispatched, fairShareFactor);
    }

    private Subscriber(Channel channel, EgressEndpoint endpoint, String appId, SubscriberQueue queue, DopplerMetrics metrics,
            boolean multiplexed, LinkFormat format, LongSupplier dispatched, double fairShareFactor) {
        this.multiplexed = multiplexed;
        this.dispatched = dispatched;
        this.format = format;
        this.channel = channel;
        this.endpoint = endpoint;
        this.appId = appId;
        this.metrics = metrics;
        this.queue = queue;
        this.fairShare = fairShareFactor > 0 ? new FairShare(fairShareFactor, 10_000) : null;
    }

    /** A subscriber for the multiplexed app-stream link; it follows the apps {@link #follow} adds. */
    static Subscriber multiplexed(Channel channel, SubscriberQueue queue, DopplerMetrics metrics, LongSupplier dispatched,
                                  double fairShareFactor) {
        return new Subscriber(channel, EgressEndpoint.STREAM, null, queue, metrics, true, LinkFormat.V1, dispatched,
                fairShareFactor);
    }

    /** Multiplexed, on the event loop: true when {@code appId} was not followed yet. */
    boolean follow(String appId) {
        if (tags.containsKey(appId)) {
            return false;
        }
        tags.put(appId, AppStreamMultiplex.tag(appId));
        return true;
    }

    /** Multiplexed, on the event loop: true when {@code appId} was followed; its queued envelopes are skipped. */
    boolean unfollow(String appId) {
        AtomicLong pending = droppedByApp.remove(appId);
        if (pending != null) {
            droppedSinceNotice.addAndGet(-pending.get()); // nobody left to tell
        }
        droppedTotalByApp.remove(appId);
        return tags.remove(appId) != null;
    }

    /** Multiplexed, on the event loop: the apps followed. */
    Set<String> followed() {
        return tags.keySet();
    }

    @Override
    public boolean offer(RoutedEnvelope envelope) {
        if (retired) {
            return false; // a group passes it to its next member: the newer link
        }
        if (fairShare != null) {
            double fill = queue.fill();
            boolean pressure = fill > 0.5;
            if ((pressure || !fairShare.idle())
                    && !fairShare.admit(envelope.appId() != null ? envelope.appId() : envelope.sourceId(), pressure,
                            fill > 0.875, System.nanoTime())) {
                return false; // the app sending most loses first; the caller counts and notices the drop
            }
        }
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
        if (multiplexed) {
            // Per app first: a drain that sees the total finds the app's count too.
            droppedByApp.computeIfAbsent(envelope.appId(), app -> new AtomicLong()).incrementAndGet();
        }
        if (droppedSinceNotice.getAndIncrement() == 0) {
            droppedAppId = envelope.appId();
        }
        metrics.dropped().increment(DropReason.SLOW_SUBSCRIBER);
        metrics.appDrops().increment(envelope.appId() != null ? envelope.appId() : envelope.sourceId(), DropReason.SLOW_SUBSCRIBER);
        DROP_LOG.warn("TB: Output channel too full: dropping envelopes for {} subscriber {}",
                endpoint.label(), channel.remoteAddress());
    }

    @Override
    public void lost(String app, long count) {
        if (count <= 0) {
            return;
        }
        if (multiplexed) {
            droppedByApp.computeIfAbsent(app, a -> new AtomicLong()).addAndGet(count);
        } else if (droppedSinceNotice.get() == 0) {
            droppedAppId = app;
        }
        lost(count);
    }

    @Override
    public void lost(long count) {
        if (count <= 0) {
            return;
        }
        droppedSinceNotice.addAndGet(count);
        metrics.dropped().add(DropReason.REPLAY_GAP, count);
        DROP_LOG.warn("Link of {} subscriber {} came back after more than the replay ring holds: up to {} envelopes lost",
                endpoint.label(), channel.remoteAddress(), count);
        scheduleDrain();
    }

    /** How to take this subscriber out of its routing again (the handle its subscription returned). */
    void removal(Runnable removal) {
        this.removal = removal;
    }

    /**
     * On the router thread, when a newer link of the same subscription has joined in its place (the
     * Traffic Controller re-dialled a link that went silent, say during a network partition), or when
     * its Traffic Controller is stopping and asks it to ({@code LinkSequence.RETIRE_FRAME}): takes
     * nothing from now on, leaves its group, writes what it still holds (which reaches the Traffic
     * Controller once the old connection recovers) and then closes with 1000.
     */
    void retire() {
        if (retired) {
            return; // replaced and asked to retire by its Traffic Controller as well: leaves its group once
        }
        retired = true;
        removal.run();
        scheduleDrain();
    }

    /** Whether this link sent its Close (retired and written): the peer's Close then only ends the connection. */
    boolean closeSent() {
        return closeSent;
    }

    EgressEndpoint endpoint() {
        return endpoint;
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
        channel.eventLoop().scheduleAtFixedRate(this::announceSequence, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * An idle link still learns how far it has had everything (a frame of just the sequence number), so
     * that after a break it resumes from a recent point rather than from its last envelope long ago.
     */
    private void announceSequence() {
        if (!channel.isActive() || !channel.isWritable()) {
            return;
        }
        long upTo = dispatched.getAsLong();
        if (upTo > sentSequence && queue.isEmpty()) {
            sentSequence = upTo;
            ByteBuf frame = channel.alloc().ioBuffer(LinkSequence.BYTES);
            frame.writeLong(upTo);
            channel.writeAndFlush(new BinaryWebSocketFrame(frame), channel.voidPromise());
        }
    }

    /** A frame starting with the sequence placeholder, filled in by {@link #finish}. */
    private ByteBuf newFrame(int capacity) {
        ByteBuf frame = channel.alloc().ioBuffer(LinkSequence.BYTES + capacity);
        frame.writeLong(sentSequence);
        return frame;
    }

    private void finish(ByteBuf frame, long sequence) {
        sentSequence = Math.max(sentSequence, sequence);
        frame.setLong(frame.readerIndex(), sentSequence);
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
        boolean wrote = multiplexed ? drainMultiplexed() : drainOneStream();
        if (wrote) {
            channel.flush();
        }
        if (retired && !closeSent && queue.isEmpty() && droppedSinceNotice.get() == 0) {
            closeSent = true;
            // Not closed on the write: the Traffic Controller answers the Close once it has read everything
            // before it, and then the link closes (SubscriberLinkHandler). Closing at once would, after a
            // partition, reset the connection when the pings queued on its far side arrive, and a reset can
            // discard the held envelopes still unread there: the very ones this link stayed open to deliver.
            channel.writeAndFlush(new CloseWebSocketFrame(1000, "link retired"));
            channel.eventLoop().schedule(() -> channel.close(), RETIRED_CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
            return;
        }
        if (!queue.isEmpty() && channel.isWritable()) {
            scheduleDrain(); // budget used up: let the event loop serve other connections first
        }
    }

    /** Fills frames in queue order; returns whether anything was written. */
    private boolean drainOneStream() {
        int budget = MAX_DRAIN_BYTES;
        boolean wrote = false;
        long dispatchedBefore = dispatched.getAsLong();
        while (budget > 0 && channel.isWritable()) {
            ByteBuf frame = null;
            int count = 0;
            long last = sentSequence;
            long drops = droppedSinceNotice.get();
            if (drops > 0) {
                droppedSinceNotice.addAndGet(-drops);
                droppedTotal += drops;
                frame = noticeFrame(drops);
            }
            RoutedEnvelope next;
            while ((next = queue.peek()) != null) {
                int records = format.records(next);
                int need = 0;
                for (int i = 0; i < records; i++) {
                    need += BatchEncoding.RECORD_HEADER_BYTES + format.record(next, i).length;
                }
                if (frame == null) {
                    frame = newFrame((int) Math.min(MAX_FRAME_BYTES, (long) need * Math.max(1, queue.size())));
                } else if (frame.readableBytes() + need > MAX_FRAME_BYTES && frame.readableBytes() > LinkSequence.BYTES) {
                    break;
                }
                queue.poll();
                for (int i = 0; i < records; i++) {
                    BatchEncoding.append(frame, format.record(next, i));
                }
                count += records;
                last = next.sequence();
            }
            if (frame == null) {
                break;
            }
            // Queue empty: everything dispatched before this drain began is in this frame or earlier ones.
            finish(frame, next == null ? Math.max(last, dispatchedBefore) : last);
            budget -= frame.readableBytes();
            if (frame.readableBytes() == LinkSequence.BYTES && count == 0 && drops == 0) {
                frame.release(); // only envelopes without a form in this link's format
            } else {
                metrics.egress().add(endpoint, count);
                channel.write(new BinaryWebSocketFrame(frame), channel.voidPromise());
                wrote = true;
            }
            if (next == null) {
                break; // queue is empty
            }
        }
        return wrote;
    }

    /**
     * Multiplexed: takes up to a frame's worth of the queue at a time and writes it as one frame
     * per app, so envelopes of many apps arriving interleaved still travel many to a frame (the
     * queue order is kept within each app). Returns whether anything was written.
     */
    private boolean drainMultiplexed() {
        int budget = MAX_DRAIN_BYTES;
        boolean wrote = false;
        long dispatchedBefore = dispatched.getAsLong();
        Map<String, ByteBuf> frames = new LinkedHashMap<>();
        while (budget > 0 && channel.isWritable()) {
            if (droppedSinceNotice.get() > 0) {
                int noticeBytes = writeAppNotices();
                budget -= noticeBytes;
                wrote |= noticeBytes > 0;
            }
            int taken = 0;
            int count = 0;
            long last = sentSequence;
            RoutedEnvelope next;
            while (taken < MAX_FRAME_BYTES && (next = queue.poll()) != null) {
                last = next.sequence();
                byte[] tag = tags.get(next.appId());
                if (tag == null) {
                    continue; // unfollowed since it was queued: nobody asks for it
                }
                byte[][] records = next.v1();
                int need = 0;
                for (byte[] record : records) {
                    need += BatchEncoding.RECORD_HEADER_BYTES + record.length;
                }
                ByteBuf frame = frames.get(next.appId());
                if (frame != null && frame.readableBytes() + need > MAX_FRAME_BYTES) {
                    channel.write(new BinaryWebSocketFrame(frame), channel.voidPromise()); // says the slice's start
                    frame = null;
                }
                if (frame == null) {
                    frame = newFrame(tag.length + Math.max(need, 1024));
                    frame.writeBytes(tag);
                    frames.put(next.appId(), frame);
                }
                for (byte[] record : records) {
                    BatchEncoding.append(frame, record);
                }
                taken += need;
                count += records.length;
            }
            if (frames.isEmpty()) {
                if (queue.isEmpty() && last > sentSequence) {
                    sentSequence = last; // only unfollowed apps' envelopes: nothing to send, but had
                }
                break;
            }
            // Frames of one slice are written together: only the last says the whole slice is out.
            int remaining = frames.size();
            for (ByteBuf frame : frames.values()) {
                if (--remaining == 0) {
                    finish(frame, queue.isEmpty() ? Math.max(last, dispatchedBefore) : last);
                }
                channel.write(new BinaryWebSocketFrame(frame), channel.voidPromise());
            }
            frames.clear();
            metrics.egress().add(endpoint, count);
            budget -= taken;
            wrote = true;
        }
        return wrote;
    }

    private ByteBuf noticeFrame(long drops) {
        String noticeApp = appId != null ? appId : droppedAppId == null ? "system" : droppedAppId;
        ByteBuf frame = newFrame(MAX_FRAME_BYTES);
        appendNotice(frame, noticeApp, drops, droppedTotal);
        return frame;
    }

    /** Multiplexed: one notice frame per app that lost envelopes since the last; returns the bytes written. */
    private int writeAppNotices() {
        int bytes = 0;
        for (Map.Entry<String, AtomicLong> entry : droppedByApp.entrySet()) {
            long drops = entry.getValue().getAndSet(0);
            if (drops == 0) {
                continue;
            }
            droppedSinceNotice.addAndGet(-drops);
            String app = entry.getKey();
            byte[] tag = tags.get(app);
            if (tag == null) {
                droppedByApp.remove(app, entry.getValue()); // unfollowed: nobody to tell
                continue;
            }
            long total = droppedTotalByApp.merge(app, drops, Long::sum);
            ByteBuf frame = newFrame(1024);
            frame.writeBytes(tag);
            appendNotice(frame, app, drops, total);
            bytes += frame.readableBytes();
            channel.write(new BinaryWebSocketFrame(frame), channel.voidPromise());
        }
        return bytes;
    }

    /** The notice pair, in this link's format (v2 links get their tov2 conversion). */
    private void appendNotice(ByteBuf frame, String app, long drops, long total) {
        long now = wallClockNanos();
        String destination = String.valueOf(channel.remoteAddress());
        appendOwn(frame, app, EventType.LogMessage, DropNotices.logMessage(ORIGIN, app, drops, total, destination, now));
        appendOwn(frame, EnvelopeRouting.SYSTEM, EventType.CounterEvent, DropNotices.counterEvent(ORIGIN, drops, total, now));
    }

    private void appendOwn(ByteBuf frame, String app, EventType type, byte[] v1) {
        if (format == LinkFormat.V1) {
            BatchEncoding.append(frame, v1);
        } else {
            BatchEncoding.append(frame, format.record(RoutedEnvelope.fromV1(app, type, v1), 0));
        }
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
