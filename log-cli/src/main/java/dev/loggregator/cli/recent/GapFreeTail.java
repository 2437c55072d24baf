package dev.loggregator.cli.recent;

import dev.loggregator.cli.output.Notices;
import dev.loggregator.cli.stream.Gap;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The seams of {@code logs tail}: where the store's messages meet the live stream, with no gap and
 * no duplicate (cli#1157). There is one at the start with {@code --recent N} (the newest N, then
 * live) and one at every reconnection (what reached the store while the stream was down). At a
 * seam, what the live stream brings is held back. With {@code --recent N}, once the stream is open
 * the newest N are read from the store; once the first live envelope arrives (the subscription then
 * reaches the Doppler, so anything older is in the store) everything the store got since the newest
 * message taken, less {@link #MARGIN_NANOS}, is read too. Held and read messages are merged, each
 * once, and from then on live messages pass, a copy of one already taken dropped. After a
 * reconnection the read waits at most {@link #ARRIVAL_WAIT_MILLIS} for that first envelope (a quiet
 * app may send none for long); if none came, the store is read once more when one does.
 *
 * <p>A message is the same when its timestamp, source type, instance and text are. Messages are
 * released to {@code accept} (the ordering buffer, called under this object's lock); memory is bounded: at most {@link #MAX_HELD}
 * live messages wait during a read (beyond that the oldest are dropped, counted on stderr),
 * {@code maxSeen} are remembered for de-duplication and one read takes at most {@link RecentLogs#MAX_SINCE}.
 */
public final class GapFreeTail {
    /** The count of a tail without {@code --recent N}: nothing older at the start, only gaps are filled. */
    public static final int FOLLOW_ONLY = -1;
    static final int MAX_HELD = 100_000;
    /** How many messages taken are remembered for de-duplication unless told otherwise ({@code logs tail --dedup-limit}). */
    public static final int DEFAULT_MAX_SEEN = 200_000;
    /**
     * How far before the newest message taken a catch-up read starts: a message stamped a little
     * earlier may reach the server after it (another instance, another Doppler) while the stream was down.
     */
    static final long MARGIN_NANOS = 5_000_000_000L;
    /** How long a gap's read waits for the new stream's first envelope before reading anyway. */
    static final long ARRIVAL_WAIT_MILLIS = 2_000;
    /**
     * How far past the moment it starts a read reaches. It starts once the live stream brings
     * messages, so what is newer came live; a read without an end would chase an app that writes
     * faster than the store can be read. The slack covers an emitter whose clock is a little ahead.
     */
    static final long READ_END_SLACK_NANOS = 1_000_000_000L;

    private final RecentLogs store;
    private final int count;
    private final Consumer<LogEntry> accept;
    private final Notices notices;
    private final SeenLogs seen;
    private final ArrayDeque<LogEntry> held = new ArrayDeque<>();
    private final ExecutorService reads = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "logs-recent");
        thread.setDaemon(true);
        return thread;
    });
    /** Seams whose reads are under way: live messages are held while there is one. */
    private int seams;
    /**
     * A connection is being opened ({@link #connecting()}): held too is what it brings before
     * {@link #connected} opens its seam, as its reader may deliver as soon as it is open.
     */
    private boolean connecting;
    private boolean arrived;
    /** A gap was read before the new stream's first envelope: read again when it comes. */
    private boolean readAgainOnArrival;
    private long heldDropped;
    private long floorNanos = RecentLogs.NO_START;
    private long newestNanos = RecentLogs.NO_START;
    private boolean first = true;

    /**
     * @param count   how many of the newest messages to show first, or {@link #FOLLOW_ONLY}
     * @param maxSeen how many messages taken are remembered to drop a second copy
     * @param accept  receives every message to print, once, on the stream's or the reading thread
     */
    public GapFreeTail(RecentLogs store, int count, int maxSeen, Consumer<LogEntry> accept, Notices notices) {
        this.seen = new SeenLogs(maxSeen);
        this.store = store;
        this.count = count;
        this.accept = accept;
        this.notices = notices;
    }

    /** A connection of the live stream is about to be opened: what it brings is held until {@link #connected} says what to do. */
    public void connecting() {
        synchronized (this) {
            connecting = true;
        }
    }

    /**
     * A connection of the live stream is up: the first one, or one after {@code gap}. Holds what
     * the stream brings until the seam is closed, except on a first connection without {@code --recent N}.
     */
    public void connected(Gap gap) {
        long dropped;
        synchronized (this) {
            connecting = false;
            arrived = false;
            if (!first) {
                seams++;
                long gapStart = newestNanos;
                reads.execute(() -> fill(gap, gapStart));
                return;
            }
            first = false;
            if (count == FOLLOW_ONLY || count == 0) {
                // Nothing older asked for: a read must not bring back what was stamped before this tail began.
                floorNanos = System.currentTimeMillis() * 1_000_000L;
            }
            if (count != FOLLOW_ONLY) {
                seams++;
                reads.execute(this::initialRead);
                return;
            }
            dropped = passHeld(); // no seam: what came while connecting goes on in its order
        }
        sayDropped(dropped);
    }

    /** Any envelope of the live stream, a log or not: proof that the subscription reaches the Doppler. */
    public void arrived() {
        synchronized (this) {
            arrived = true;
            notifyAll();
            if (!readAgainOnArrival) {
                return;
            }
            readAgainOnArrival = false;
            seams++;
        }
        reads.execute(this::catchUp);
    }

    /** A log message of the live stream. */
    public void live(LogEntry entry) {
        arrived();
        synchronized (this) {
            if (seams > 0 || connecting) {
                held.add(entry);
                if (held.size() > MAX_HELD) {
                    held.poll();
                    heldDropped++;
                }
            } else if (take(entry)) {
                accept.accept(entry);
            }
        }
    }

    private void initialRead() {
        List<LogEntry> recent;
        try {
            recent = store.newest(count, RecentLogs.NO_START);
        } catch (RuntimeException e) {
            notices.say("cannot read the recent logs from " + store.describe() + " (" + e.getMessage() + "); following without them");
            release(List.of(), false);
            return;
        } catch (Error e) {
            release(List.of(), false);
            throw e;
        }
        synchronized (this) {
            if (!recent.isEmpty()) {
                floorNanos = recent.get(0).timestamp();
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
        awaitArrival(0);
        List<LogEntry> missed;
        try {
            missed = store.since(readStart(RecentLogs.NO_START), readEnd());
        } catch (RuntimeException e) {
            notices.say("cannot read what " + store.describe() + " got while the stream was starting (" + e.getMessage()
                    + "); lines from that moment may be missing");
            missed = List.of();
        } catch (Error e) {
            release(List.of(), false);
            throw e;
        }
        release(missed, false);
    }

    /** Reads what reached the store during {@code gap} (after the message taken last, at {@code gapStartNanos}) and says how it went. */
    private void fill(Gap gap, long gapStartNanos) {
        awaitArrival(ARRIVAL_WAIT_MILLIS);
        boolean subscribed;
        synchronized (this) {
            subscribed = arrived;
        }
        long from = readStart(gapStartNanos == RecentLogs.NO_START ? gap.lastSeenMillis() * 1_000_000L - MARGIN_NANOS : RecentLogs.NO_START);
        List<LogEntry> read;
        try {
            read = store.since(from, readEnd());
        } catch (RuntimeException e) {
            release(List.of(), !subscribed);
            notices.say(GapNotice.failed(gap, store.describe(), e.getMessage()));
            return;
        } catch (Error e) { // the live stream must not stay held, whatever failed
            release(List.of(), false);
            throw e;
        }
        int filled = release(read, !subscribed);
        notices.say(GapNotice.filled(gap, store.describe(), filled, from <= gapStartNanos ? gapStartNanos : RecentLogs.NO_START, read));
    }

    /**
     * Where a read starts: {@code fromNanos}, or else {@link #MARGIN_NANOS} before the newest message
     * taken; never before the floor, nor at or before a message forgotten by the de-duplication.
     */
    private synchronized long readStart(long fromNanos) {
        long from = fromNanos != RecentLogs.NO_START ? fromNanos
                : newestNanos == RecentLogs.NO_START ? floorNanos : newestNanos - MARGIN_NANOS;
        long forgotten = seen.forgottenNewest();
        return Math.max(Math.max(from, floorNanos), forgotten == Long.MIN_VALUE ? RecentLogs.NO_START : forgotten + 1);
    }

    private static long readEnd() {
        return System.currentTimeMillis() * 1_000_000L + READ_END_SLACK_NANOS;
    }

    /** Waits for the stream's first envelope, at most {@code millis} (0: as long as it takes). */
    private synchronized void awaitArrival(long millis) {
        long deadline = System.currentTimeMillis() + millis;
        while (!arrived) {
            long left = millis == 0 ? 0 : deadline - System.currentTimeMillis();
            if (millis != 0 && left <= 0) {
                return;
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the read that follows fails, and the seam is released
                return;
            }
        }
    }

    /**
     * Takes what was read, then (when no other seam is open) what was held, each message once, and
     * lets live messages pass again. Returns how many read messages were new and not also brought
     * by the live stream: the lines a gap's read filled in.
     *
     * @param unsubscribed the read was made before the stream's first envelope: read again once one came
     */
    private int release(List<LogEntry> read, boolean unsubscribed) {
        int filled = 0;
        long dropped = 0;
        synchronized (this) {
            Set<SeenLogs.Key> live = new HashSet<>();
            for (LogEntry entry : held) {
                live.add(SeenLogs.key(entry));
            }
            for (LogEntry entry : read) {
                SeenLogs.Key key = SeenLogs.key(entry);
                if (take(entry, key)) {
                    accept.accept(entry);
                    if (!live.contains(key)) {
                        filled++;
                    }
                }
            }
            seams--;
            dropped = passHeld();
            if (unsubscribed && arrived) {
                seams++;
                reads.execute(this::catchUp);
            } else if (unsubscribed) {
                readAgainOnArrival = true;
            }
        }
        sayDropped(dropped);
        return filled;
    }

    /** Unless a seam is still open or a connection is still being opened, takes what was held; returns how many were dropped meanwhile. */
    private long passHeld() {
        if (seams > 0 || connecting) {
            return 0;
        }
        for (LogEntry entry : held) {
            if (take(entry, SeenLogs.key(entry))) {
                accept.accept(entry);
            }
        }
        held.clear();
        long dropped = heldDropped;
        heldDropped = 0;
        return dropped;
    }

    private void sayDropped(long dropped) {
        if (dropped > 0) {
            notices.say("dropped " + dropped + " live lines while reading the recent logs (more than " + MAX_HELD + " waiting)");
        }
    }

    /** True the first time a message is seen. */
    private boolean take(LogEntry entry) {
        return take(entry, SeenLogs.key(entry));
    }

    private boolean take(LogEntry entry, SeenLogs.Key key) {
        if (!seen.add(key)) {
            return false;
        }
        newestNanos = Math.max(newestNanos, entry.timestamp());
        return true;
    }
}
