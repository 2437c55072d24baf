package dev.loggregator.cli.recent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.cli.output.Notices;
import dev.loggregator.cli.stream.Gap;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.junit.jupiter.api.Test;

/** The seam between the store's recent messages and the live stream, with a store in memory. */
class GapFreeTailTest {
    /** A reconnection after 1.5 s without data. */
    private static final Gap GAP = new Gap(1_000, 2_500);
    /** Lines are stamped after this (set once the first connection is up, as a live stream's would be). */
    private long now;

    private final Store store = new Store();
    private final List<String> printed = Collections.synchronizedList(new ArrayList<>());
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Notices notices = new Notices(new PrintStream(err, true, StandardCharsets.UTF_8));

    private static LogEntry log(long timestamp, String text) {
        return new LogEntry(Envelope.newBuilder().setOrigin("rep").setEventType(Envelope.EventType.LogMessage)
                .setLogMessage(LogMessage.newBuilder().setMessage(ByteString.copyFromUtf8(text))
                        .setMessageType(LogMessage.MessageType.OUT).setTimestamp(timestamp)
                        .setSourceType("APP/PROC/WEB").setSourceInstance("0")).build(), null);
    }

    private GapFreeTail tail(int count) {
        return tail(count, GapFreeTail.DEFAULT_MAX_SEEN);
    }

    private GapFreeTail tail(int count, int maxSeen) {
        return new GapFreeTail(store, count, maxSeen, entry -> printed.add(entry.log().getMessage().toStringUtf8()), notices);
    }

    /** The first connection of a tail without --recent N. */
    private GapFreeTail followOnly() {
        GapFreeTail tail = tail(GapFreeTail.FOLLOW_ONLY);
        tail.connected(null);
        now = System.currentTimeMillis() * 1_000_000L;
        return tail;
    }

    private List<String> stderr() {
        return err.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private void awaitPrinted(String... expected) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(List.of(expected), List.copyOf(printed)));
    }

    @Test
    void printsTheNewestNThenWhatTheStoreGotBeforeTheStreamFlowedThenLiveEachOnce() {
        for (int i = 1; i <= 5; i++) {
            store.add(log(i, "m" + i));
        }
        GapFreeTail tail = tail(3);
        tail.connected(null);
        awaitPrinted("m3", "m4", "m5");
        store.add(log(6, "m6")); // reached the server before the subscription did: only the store has it
        tail.live(log(5, "m5")); // the stream's first envelope repeats one already printed
        tail.live(log(7, "m7"));
        awaitPrinted("m3", "m4", "m5", "m6", "m7");

        // A reconnection is a seam too: m8 arrived while the stream was down.
        tail.connected(GAP);
        store.add(log(8, "m8"));
        tail.live(log(7, "m7"));
        tail.live(log(9, "m9"));
        awaitPrinted("m3", "m4", "m5", "m6", "m7", "m8", "m9");
        await().atMost(Duration.ofSeconds(10)).until(() -> !stderr().isEmpty());
        assertEquals(List.of("logs: filled the gap of 1.50 s with 1 line from the store in memory"), stderr());
    }

    @Test
    void holdsLiveMessagesWhileReadingAndMergesThemOnce() {
        store.add(log(1, "old"));
        store.blockReads();
        GapFreeTail tail = tail(10);
        tail.connected(null);
        tail.live(log(2, "live a"));
        store.add(log(2, "live a"));
        tail.live(log(3, "live b"));
        assertTrue(printed.isEmpty(), "nothing passes while the recent read is under way: " + printed);
        store.unblockReads();
        awaitPrinted("old", "live a", "live b");
    }

    @Test
    void withNoneAskedForTheCatchUpDoesNotBringBackOlderMessages() {
        store.add(log(1, "long ago"));
        GapFreeTail tail = tail(0);
        tail.connected(null);
        long now = System.currentTimeMillis() * 1_000_000L;
        store.add(log(now, "just before the stream"));
        tail.live(log(now + 1, "live"));
        awaitPrinted("just before the stream", "live");
    }

    @Test
    void aFailingStoreIsReportedAndTheLiveStreamGoesOn() {
        store.fail();
        GapFreeTail tail = tail(5);
        tail.connected(null);
        tail.live(log(1, "live"));
        awaitPrinted("live");
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot read the recent logs from the store in memory"), err::toString);
    }

    @Test
    void withoutRecentLinesPassAtOnceAndAReconnectionsGapIsFilledEachLineOnceAndTold() {
        store.add(log(System.currentTimeMillis() * 1_000_000L - 1_000_000_000L, "stamped before the tail began"));
        GapFreeTail tail = followOnly();
        for (int i = 1; i <= 3; i++) {
            store.add(log(now + i, "l" + i));
            tail.live(log(now + i, "l" + i));
        }
        assertEquals(List.of("l1", "l2", "l3"), List.copyOf(printed), "printed as they come, without a read of the store");
        assertEquals(0, store.reads());

        tail.connected(GAP);
        store.add(log(now + 4, "l4")); // sent while the stream was down: only the store has it
        store.add(log(now + 5, "l5"));
        tail.live(log(now + 5, "l5")); // the new stream's first line, also in the store
        tail.live(log(now + 6, "l6"));
        awaitPrinted("l1", "l2", "l3", "l4", "l5", "l6");
        await().atMost(Duration.ofSeconds(10)).until(() -> !stderr().isEmpty());
        // l5 is both in the store and live: the read may take it before the stream's copy is held (then
        // the copy is dropped) or after (then the read's is): printed once either way, counted where taken.
        assertEquals(1, stderr().size(), stderr()::toString);
        assertTrue(stderr().get(0).matches("logs: filled the gap of 1\\.50 s with (1 line|2 lines) from the store in memory"),
                stderr()::toString);
    }

    @Test
    void whatANewConnectionBringsBeforeItIsReportedUpIsHeldBehindTheGapsLines() {
        GapFreeTail tail = followOnly();
        tail.live(log(now + 1, "l1"));
        tail.connecting(); // the stream was lost; a new connection is being opened
        store.add(log(now + 2, "l2")); // sent while the stream was down: only the store has it
        store.add(log(now + 3, "l3"));
        tail.live(log(now + 3, "l3")); // the new connection's reader delivers before the stream's owner is told it is up
        tail.live(log(now + 4, "l4"));
        assertEquals(List.of("l1"), List.copyOf(printed), "held while the connection is being opened");
        tail.connected(GAP);
        awaitPrinted("l1", "l2", "l3", "l4");
    }

    @Test
    void aFirstConnectionWithoutRecentLinesPassesWhatCameWhileConnectingInItsOrder() {
        GapFreeTail tail = tail(GapFreeTail.FOLLOW_ONLY);
        tail.connecting();
        long stamp = System.currentTimeMillis() * 1_000_000L;
        tail.live(log(stamp + 2, "early-b"));
        tail.live(log(stamp + 1, "early-a"));
        assertEquals(List.of(), List.copyOf(printed));
        tail.connected(null);
        assertEquals(List.of("early-b", "early-a"), List.copyOf(printed), "arrival order, at once, without a read");
        tail.live(log(stamp + 3, "later"));
        assertEquals(List.of("early-b", "early-a", "later"), List.copyOf(printed));
        assertEquals(0, store.reads());
    }

    @Test
    void aStoreThatNoLongerHoldsTheGapsStartSaysWhichLinesMayBeMissing() {
        GapFreeTail tail = followOnly();
        tail.live(log(now + 1, "l1"));
        tail.live(log(now + 2, "l2"));
        tail.connected(GAP);
        store.add(log(now + 4_000_000L, "l4")); // l1 to l3 expired from the store meanwhile
        tail.live(log(now + 5_000_000L, "l5"));
        awaitPrinted("l1", "l2", "l4", "l5");
        await().atMost(Duration.ofSeconds(10)).until(() -> !stderr().isEmpty());
        String notice = stderr().get(0);
        assertTrue(notice.matches("logs: filled the gap of 1\\.50 s with 1 line from the store in memory, which holds nothing older than"
                + " \\d\\d:\\d\\d:\\d\\d\\.\\d{3}: lines stamped from \\d\\d:\\d\\d:\\d\\d\\.\\d{3} until then may be missing"), notice);
    }

    @Test
    void aGapThatCannotBeReadIsToldAndTheLiveStreamGoesOn() {
        GapFreeTail tail = followOnly();
        tail.live(log(now + 1, "l1"));
        store.fail();
        tail.connected(GAP);
        tail.live(log(now + 9, "l9"));
        awaitPrinted("l1", "l9");
        await().atMost(Duration.ofSeconds(10)).until(() -> !stderr().isEmpty());
        assertEquals(List.of("logs: could not fill the gap of 1.50 s from the store in memory (HTTP 500): lines sent during the gap may be missing"),
                stderr());
    }

    @Test
    void aQuietAppsGapIsReadWithoutWaitingForALineAndReadAgainWhenTheFirstComes() {
        GapFreeTail tail = followOnly();
        tail.live(log(now + 1, "l1"));
        store.add(log(now + 1, "l1"));
        store.add(log(now + 2, "l2"));
        tail.connected(GAP);
        // No live line: the store is read once the wait for one is over.
        awaitPrinted("l1", "l2");
        await().atMost(Duration.ofSeconds(10)).until(() -> !stderr().isEmpty());
        assertEquals(List.of("logs: filled the gap of 1.50 s with 1 line from the store in memory"), stderr());
        // l3 reached the store after that read but before the new subscription: the first live line brings a second read.
        store.add(log(now + 3, "l3"));
        tail.live(log(now + 4, "l4"));
        awaitPrinted("l1", "l2", "l3", "l4");
    }

    @Test
    void aSecondReconnectionDuringAFillHoldsLiveLinesUntilBothAreRead() {
        GapFreeTail tail = followOnly();
        tail.live(log(now + 1, "l1"));
        store.blockReads();
        tail.connected(GAP);
        tail.live(log(now + 3, "l3"));
        tail.connected(GAP);
        store.add(log(now + 2, "l2"));
        tail.live(log(now + 4, "l4"));
        assertEquals(List.of("l1"), List.copyOf(printed));
        store.unblockReads();
        awaitPrinted("l1", "l2", "l3", "l4");
    }

    @Test
    void aReadAfterTheDeduplicationForgotSomeLinesStartsPastThemSoNoneIsPrintedTwice() {
        GapFreeTail tail = tail(GapFreeTail.FOLLOW_ONLY, 2);
        tail.connected(null);
        now = System.currentTimeMillis() * 1_000_000L;
        for (int i = 1; i <= 4; i++) {
            store.add(log(now + i, "l" + i));
            tail.live(log(now + i, "l" + i));
        }
        tail.connected(GAP);
        store.add(log(now + 5, "l5"));
        tail.live(log(now + 6, "l6"));
        awaitPrinted("l1", "l2", "l3", "l4", "l5", "l6");
        await().atMost(Duration.ofSeconds(10)).until(() -> !stderr().isEmpty());
        assertEquals(List.of("logs: filled the gap of 1.50 s with 1 line from the store in memory"), stderr(),
                "l1 and l2, forgotten, were not read again; l3 and l4, remembered, were read and dropped");
    }

    @Test
    void aReadReachesOnlyALittlePastTheMomentItStartsSoItCannotChaseABusyApp() {
        GapFreeTail tail = followOnly();
        tail.live(log(now + 1, "l1"));
        tail.connected(GAP);
        store.add(log(now + 2, "l2"));
        store.add(log(now + 60_000_000_000L, "a minute ahead: it would have come live"));
        tail.live(log(now + 3, "l3"));
        awaitPrinted("l1", "l2", "l3");
    }

    /** A store in memory, which can hold its reads back or fail them. */
    private static final class Store implements RecentLogs {
        private final List<LogEntry> entries = new ArrayList<>();
        private boolean blocked;
        private boolean failing;
        private int reads;

        synchronized void add(LogEntry entry) {
            entries.add(entry);
        }

        synchronized void blockReads() {
            blocked = true;
        }

        synchronized void unblockReads() {
            blocked = false;
            notifyAll();
        }

        synchronized void fail() {
            failing = true;
        }

        synchronized int reads() {
            return reads;
        }

        private synchronized List<LogEntry> read(long fromNanos) {
            reads++;
            while (blocked) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            if (failing) {
                throw new CliException(ExitCode.SERVER_ERROR, "HTTP 500");
            }
            return entries.stream().filter(e -> e.timestamp() >= fromNanos).sorted((a, b) -> Long.compare(a.timestamp(), b.timestamp())).toList();
        }

        @Override
        public List<LogEntry> newest(int count, long fromNanos) {
            List<LogEntry> all = read(fromNanos);
            return all.subList(Math.max(0, all.size() - count), all.size());
        }

        @Override
        public List<LogEntry> since(long fromNanos, long beforeNanos) {
            return read(fromNanos).stream().filter(e -> e.timestamp() < beforeNanos).toList();
        }

        @Override
        public String describe() {
            return "the store in memory";
        }
    }
}
