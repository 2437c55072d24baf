package dev.loggregator.doppler.drains;

import io.netty.channel.EventLoop;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jctools.queues.MpscUnboundedArrayQueue;

/**
 * The drains of one event loop that have envelopes waiting, pumped together once per linger. The
 * router thread only puts a drain on this list (when its first envelope since its last pump comes
 * in); the loop wakes once per linger for all of them. A wake-up per drain instead (a task
 * scheduled from the router thread for each drain every linger: 100 busy drains were 20,000 such
 * hand-offs a second, each a system call on the router thread and a wake-up of the loop) cost more
 * Doppler CPU than formatting the lines. While the loop finds drains to pump it ticks on; a tick
 * that finds none stops until the next drain is listed. The linger grows with the drains a tick
 * pumps (5 ms up to 20 ms), so many busy drains write larger batches less often instead of one
 * write per drain per 5 ms; a drain whose queue fills faster than that is pumped at once.
 */
final class LoopPumps {
    /**
     * How long an envelope may wait for others before its drain writes, with few busy drains: a drain of a
     * busy app then writes many messages per system call (a few hundred calls a second at most) instead of
     * one each, for a few milliseconds of latency (the agent's https-batch waits up to a second).
     */
    static final long MIN_LINGER_MICROS = 5_000;
    /**
     * The linger with many busy drains: each write costs a system call here and a read in the receiver,
     * whatever its size, so a loop's drains write together about {@code 1,000,000 / LINGER_PER_DRAIN_MICROS}
     * times a second (4,000) rather than {@code drains / 5 ms} (50 busy drains: 10,000); the linger grows
     * with the drains the last tick pumped, up to {@link #MAX_LINGER_MICROS}.
     */
    static final long LINGER_PER_DRAIN_MICROS = 250;
    /** The bound of the linger, so of what waiting adds to a line's latency (a full queue pumps at once: {@link SyslogDrain}). */
    static final long MAX_LINGER_MICROS = 20_000;

    private final EventLoop loop;
    /** Holds each drain at most once (its pump flag), so its size is bounded by the drains of this loop. */
    private final MpscUnboundedArrayQueue<SyslogDrain> due = new MpscUnboundedArrayQueue<>(64);
    private final AtomicBoolean ticking = new AtomicBoolean();
    private final Runnable tick = this::tick;
    /** The next tick's delay, set by the last tick (loop only; read by {@link #due} for a first tick, a stale value is harmless). */
    private volatile long lingerMicros = MIN_LINGER_MICROS;

    LoopPumps(EventLoop loop) {
        this.loop = loop;
    }

    EventLoop loop() {
        return loop;
    }

    /** Any thread: {@code drain} has envelopes and no pump pending; it is pumped at the next tick. */
    void due(SyslogDrain drain) {
        due.offer(drain);
        // The tick clears its flag and then looks at the list; we listed and now look at the flag.
        VarHandle.fullFence();
        if (!ticking.get() && ticking.compareAndSet(false, true)) {
            loop.schedule(tick, lingerMicros, TimeUnit.MICROSECONDS);
        }
    }

    /** The linger after a tick that pumped {@code pumped} drains. */
    static long lingerMicros(int pumped) {
        return Math.min(MAX_LINGER_MICROS, Math.max(MIN_LINGER_MICROS, pumped * LINGER_PER_DRAIN_MICROS));
    }

    private void tick() {
        // Only the drains listed before this tick: one listed again while it runs waits for the next, filling its batch.
        int n = due.size();
        int pumped = 0;
        for (int i = 0; i < n; i++) {
            SyslogDrain drain = due.relaxedPoll();
            if (drain == null) {
                break;
            }
            drain.pumpNow();
            pumped++;
        }
        long linger = lingerMicros(pumped);
        lingerMicros = linger;
        if (n > 0 || !due.isEmpty()) {
            loop.schedule(tick, linger, TimeUnit.MICROSECONDS);
            return;
        }
        ticking.set(false);
        VarHandle.fullFence();
        if (!due.isEmpty() && ticking.compareAndSet(false, true)) {
            loop.schedule(tick, linger, TimeUnit.MICROSECONDS);
        }
    }
}
