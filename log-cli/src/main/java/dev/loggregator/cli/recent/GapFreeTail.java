package dev.loggregator.cli.recent;

import dev.loggregator.cli.CliException;
import dev.loggregator.cli.output.Notices;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * {@code logs tail APP --recent N}: the newest N messages, then the live stream, with no gap and no
 * duplicate at the seam (cli#1157). The live stream is opened first, and what it brings is held
 * back. Once it is open the newest N are read from the store; once the first live envelope arrives
 * (the subscription then reaches the Doppler, so anything older is in the store) everything the
 * store got since the newest message taken is read too. Held and read messages are merged, each
 * once, and from then on live messages pass, a copy of one already taken from the store dropped.
 * Every reconnection is a new seam, closed the same way.
 *
 * <p>A message is the same when its timestamp, source type, instance and text are. Messages are
 * released to {@code accept} (the ordering buffer, called under this object's lock); memory is bounded: at most {@link #MAX_HELD}
 * live messages wait during a read (beyond that the oldest are dropped, counted on stderr) and
 * {@link #MAX_SEEN} are remembered for de-duplication.
 */
public final class GapFreeTail {
    static final int MAX_HELD = 100_000;
    static final int MAX_SEEN = 200_000;
    /**
     * How far before the newest message taken a catch-up read starts: a message stamped a little
     * earlier may reach the server after it (another instance, another Doppler) while the stream was down.
     */
    static final long MARGIN_NANOS = 5_000_000_000L;

    private final RecentLogs store;
    private final int count;
    private final Consumer<LogEntry> accept;
    private final Notices notices;
    private final SeenLogs seen = new SeenLogs(MAX_SEEN);
    private final ArrayDeque<LogEntry> held = new ArrayDeque<>();
    private final ExecutorService reads = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "logs-recent");
        thread.setDaemon(true);
        return thread;
    });
    private boolean holding = true;
    private boolean arrived;
    private long heldDropped;
    private long floorNanos = RecentLogs.NO_START;
    private long newestNanos = RecentLogs.NO_START;
    private boolean first = true;

    /**
     * @param count  how many of the newest messages to show first
     * @param accept receives every message to print, once, on the stream's or the reading thread
     */
    public GapFreeTail(RecentLogs store, int count, Consumer<LogEntry> accept, Notices notices) {
        this.store = store;
        this.count = count;
        this.accept = accept;
        this.notices = notices;
    }

    /** A connection of the live stream is up: hold what it brings until the seam is closed. */
    public void connected() {
        boolean initial;
        synchronized (this) {
            holding = true;
            arrived = false;
            initial = first;
            first = false;
        }
        reads.execute(initial ? this::initialRead : this::catchUp);
    }

    /** Any envelope of the live stream, a log or not: proof that the subscription reaches the Doppler. */
    public synchronized void arrived() {
        arrived = true;
        notifyAll();
    }

    /** A log message of the live stream. */
    public synchronized void live(LogEntry entry) {
        arrived = true;
        notifyAll();
        if (holding) {
            held.add(entry);
            if (held.size() > MAX_HELD) {
                held.poll();
                heldDropped++;
            }
        } else if (take(entry)) {
            accept.accept(entry);
        }
    }

    private void initialRead() {
        List<LogEntry> recent;
        try {
            recent = store.newest(count, RecentLogs.NO_START);
        } catch (CliException e) {
            notices.say("cannot read the recent logs from " + store.describe() + " (" + e.getMessage() + "); following without them");
            release(List.of());
            return;
        }
        synchronized (this) {
            if (!recent.isEmpty()) {
                floorNanos = recent.get(0).timestamp();
            } else if (count == 0) {
                // None asked for: the catch-up must not bring back what the store held before this tail.
                floorNanos = System.currentTimeMillis() * 1_000_000L - MARGIN_NANOS;
            }
            for (LogEntry entry : recent) {
                if (take(entry)) {
                    accept.accept(entry);
                }
            }
        }
        catchUp();
    }

    /** Waits for the live stream's first envelope, then reads what the store got since the newest message taken. */
    private void catchUp() {
        long from;
        synchronized (this) {
            while (!arrived) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            from = newestNanos == RecentLogs.NO_START ? floorNanos : Math.max(floorNanos, newestNanos - MARGIN_NANOS);
        }
        List<LogEntry> missed;
        try {
            missed = store.since(from);
        } catch (CliException e) {
            notices.say("cannot read what " + store.describe() + " got while the stream was starting (" + e.getMessage()
                    + "); lines from that moment may be missing");
            missed = List.of();
        }
        release(missed);
    }

    /** Takes what was read and what was held, each message once, and lets live messages pass again. */
    private void release(List<LogEntry> read) {
        long dropped;
        synchronized (this) {
            for (LogEntry entry : read) {
                if (take(entry)) {
                    accept.accept(entry);
                }
            }
            for (LogEntry entry : held) {
                if (take(entry)) {
                    accept.accept(entry);
                }
            }
            held.clear();
            holding = false;
            dropped = heldDropped;
            heldDropped = 0;
        }
        if (dropped > 0) {
            notices.say("dropped " + dropped + " live lines while reading the recent logs (more than " + MAX_HELD + " waiting)");
        }
    }

    /** True the first time a message is seen. */
    private boolean take(LogEntry entry) {
        if (!seen.add(entry)) {
            return false;
        }
        newestNanos = Math.max(newestNanos, entry.timestamp());
        return true;
    }
}
