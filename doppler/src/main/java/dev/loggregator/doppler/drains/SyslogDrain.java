package dev.loggregator.doppler.drains;

import dev.loggregator.doppler.drains.binding.DrainBinding;
import dev.loggregator.doppler.drains.format.DrainOptions;
import dev.loggregator.doppler.drains.format.SyslogFormatter;
import dev.loggregator.doppler.drains.transport.DrainEndpoint;
import dev.loggregator.doppler.drains.transport.DrainStats;
import dev.loggregator.doppler.drains.transport.DrainWriter;
import dev.loggregator.doppler.drains.transport.Outbox;
import dev.loggregator.doppler.drains.transport.WriterSettings;
import dev.loggregator.doppler.logging.RateLimitedLog;
import dev.loggregator.doppler.routing.RoutedEnvelope;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jctools.queues.SpscChunkedArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bound drain: a bounded queue the router thread fills (envelopes the drain's options accept)
 * and its writer empties on the drain's event loop, formatting each envelope there. A full queue
 * drops the envelope for this drain alone and counts it; nothing here ever makes the router wait.
 */
final class SyslogDrain implements Outbox {
    private static final Logger LOG = LoggerFactory.getLogger(SyslogDrain.class);
    private static final RateLimitedLog UNFORMATTABLE_LOG = new RateLimitedLog(LOG);
    /** One formatter (and its message buffer) per event-loop thread, shared by the drains of that loop. */
    private static final FastThreadLocal<SyslogFormatter> FORMATTERS = new FastThreadLocal<>() {
        @Override
        protected SyslogFormatter initialValue() {
            return new SyslogFormatter();
        }
    };
    /** Grown in chunks of this many slots: an idle drain holds one small chunk, not its whole bound. */
    private static final int QUEUE_CHUNK = 256;

    private final DrainBinding binding;
    private final DrainEndpoint endpoint;
    private final DrainOptions options;
    private final LoopPumps pumps;
    private final EventLoop loop;
    private final DrainStats stats = new DrainStats();
    private final SpscChunkedArrayQueue<RoutedEnvelope> queue;
    private final AtomicBoolean pumpScheduled = new AtomicBoolean();
    private final Runnable pumpTask = this::pumpNow;
    /** Envelopes queued between two listings on the loop's pumps after which the drain is pumped at once. */
    private final int eagerEnvelopes;
    /** Router thread only: envelopes queued since the drain was last listed for its loop's tick. */
    private int queuedSinceListed;
    private final AtomicBoolean eagerPumpScheduled = new AtomicBoolean();
    private final Runnable eagerPumpTask = this::eagerPump;
    private final DrainWriter writer;
    /** Written on the loop, read by the idle sweep. */
    private volatile long lastActivityNanos = System.nanoTime();
    private volatile boolean closed;
    /** When the next "Failed to connect" may go to the app (loop only). */
    private long nextConnectNoticeNanos;
    /** When the next drop notice may go to the app (notice sweep only). */
    long nextDropNoticeNanos;

    SyslogDrain(DrainBinding binding, DrainEndpoint endpoint, DrainOptions options, LoopPumps pumps, int bufferSize,
                WriterSettings settings, DrainNotices notices) {
        this.binding = binding;
        this.endpoint = endpoint;
        this.options = options;
        this.pumps = pumps;
        this.loop = pumps.loop();
        int capacity = Math.max(QUEUE_CHUNK * 2, bufferSize);
        this.queue = new SpscChunkedArrayQueue<>(Math.min(QUEUE_CHUNK, capacity / 2), capacity);
        // A quarter of the bound: a drain of an app sending faster than its queue can hold for a linger writes
        // sooner instead of dropping (one drain at 600,000/s fills 10,000 slots in 17 ms).
        this.eagerEnvelopes = Math.max(1, capacity / 4);
        this.writer = DrainWriter.create(this, endpoint, settings, stats, () -> {
            long now = System.nanoTime();
            if (now - nextConnectNoticeNanos >= 0) {
                nextConnectNoticeNanos = now + notices.intervalNanos();
                notices.failedToConnect(this);
            }
        });
    }

    /** Router thread: queues the envelope if this drain takes its kind; counts it as dropped when the queue is full. */
    void offer(RoutedEnvelope envelope) {
        if (!options.data().accepts(envelope.kind())) {
            return;
        }
        if (!queue.offer(envelope)) {
            stats.dropped(1);
            return;
        }
        // The pump clears its flag and then looks at the queue; we queued and now look at the flag.
        // Without a full fence both could miss the other and the envelope would wait for the next one.
        VarHandle.fullFence();
        if (!pumpScheduled.get() && pumpScheduled.compareAndSet(false, true)) {
            queuedSinceListed = 1;
            pumps.due(this); // pumped at the loop's next tick, up to a linger from now
        } else if (++queuedSinceListed % eagerEnvelopes == 0
                && !eagerPumpScheduled.get() && eagerPumpScheduled.compareAndSet(false, true)) {
            loop.execute(eagerPumpTask); // filling faster than the linger: write now, and stay listed for the tick
        }
    }

    /** On the loop: a write ahead of the tick, for a drain filling its queue faster than the linger empties it. */
    private void eagerPump() {
        eagerPumpScheduled.set(false);
        if (!closed) {
            lastActivityNanos = System.nanoTime();
            writer.pump();
        }
    }

    @Override
    public void schedule() {
        if (!pumpScheduled.get() && pumpScheduled.compareAndSet(false, true)) {
            loop.execute(pumpTask);
        }
    }

    /** On the loop: sends what is queued (as far as the connection takes it). */
    void pumpNow() {
        pumpScheduled.set(false);
        if (closed) {
            queue.clear();
            return;
        }
        lastActivityNanos = System.nanoTime();
        writer.pump();
    }

    @Override
    public int next(SyslogFormatter.Messages out) {
        RoutedEnvelope envelope = queue.relaxedPoll();
        if (envelope == null) {
            return -1;
        }
        try {
            SyslogFormatter formatter = FORMATTERS.get();
            // What arrived as v2 is formatted from its bytes; nothing decoded stays with the envelope,
            // which the replay ring and the stores hold long after the drain is done with it.
            return envelope.arrivedAsV2()
                    ? formatter.format(envelope.originalBytes(), binding.hostname(), options.omitMetadata(), out)
                    : formatter.format(envelope.v2Unkept(), binding.hostname(), options.omitMetadata(), out);
        } catch (SyslogFormatter.Unformattable e) {
            stats.dropped(1);
            UNFORMATTABLE_LOG.warn("Dropped an envelope of {} for syslog drain {}: {}", envelope.sourceId(),
                    endpoint.url().anonymous(), e.getMessage());
            return 0;
        } catch (RuntimeException e) {
            stats.dropped(1);
            UNFORMATTABLE_LOG.warn("Cannot format an envelope of {} for syslog drain {}: {}", envelope.sourceId(),
                    endpoint.url().anonymous(), e.toString());
            return 0;
        }
    }

    @Override
    public boolean isEmpty() {
        return queue.isEmpty();
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    /** Closes the connection when the drain has had nothing to do for {@code idleNanos}. */
    void closeIfIdle(long idleNanos) {
        if (System.nanoTime() - lastActivityNanos >= idleNanos) {
            loop.execute(writer::closeIfIdle);
        }
    }

    /** Stopping: sends what is queued and any partial batch as soon as the receiver takes it. */
    void flush() {
        loop.execute(writer::flush);
    }

    /** On the drain's loop: true once everything queued has left (or the drain is closed). */
    boolean drainedOnLoop() {
        return closed || (queue.isEmpty() && !writer.busy());
    }

    /** The binding went away (or changed): stop at once; what is queued is discarded. */
    void close() {
        closed = true;
        loop.execute(() -> {
            writer.shutdown();
            queue.clear();
        });
    }

    DrainBinding binding() {
        return binding;
    }

    DrainEndpoint endpoint() {
        return endpoint;
    }

    DrainOptions options() {
        return options;
    }

    DrainStats stats() {
        return stats;
    }

    int queued() {
        return queue.size();
    }
}
