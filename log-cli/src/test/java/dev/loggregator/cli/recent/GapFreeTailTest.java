package dev.loggregator.cli.recent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.cli.output.Notices;
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
        return new GapFreeTail(store, count, entry -> printed.add(entry.log().getMessage().toStringUtf8()), notices);
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
        tail.connected();
        awaitPrinted("m3", "m4", "m5");
        store.add(log(6, "m6")); // reached the server before the subscription did: only the store has it
        tail.live(log(5, "m5")); // the stream's first envelope repeats one already printed
        tail.live(log(7, "m7"));
        awaitPrinted("m3", "m4", "m5", "m6", "m7");

        // A reconnection is a seam too: m8 arrived while the stream was down.
        tail.connected();
        store.add(log(8, "m8"));
        tail.live(log(7, "m7"));
        tail.live(log(9, "m9"));
        awaitPrinted("m3", "m4", "m5", "m6", "m7", "m8", "m9");
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void holdsLiveMessagesWhileReadingAndMergesThemOnce() {
        store.add(log(1, "old"));
        store.blockReads();
        GapFreeTail tail = tail(10);
        tail.connected();
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
        tail.connected();
        long now = System.currentTimeMillis() * 1_000_000L;
        store.add(log(now, "just before the stream"));
        tail.live(log(now + 1, "live"));
        awaitPrinted("just before the stream", "live");
    }

    @Test
    void aFailingStoreIsReportedAndTheLiveStreamGoesOn() {
        store.fail();
        GapFreeTail tail = tail(5);
        tail.connected();
        tail.live(log(1, "live"));
        awaitPrinted("live");
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot read the recent logs from the store in memory"), err::toString);
    }

    /** A store in memory, which can hold its reads back or fail them. */
    private static final class Store implements RecentLogs {
        private final List<LogEntry> entries = new ArrayList<>();
        private boolean blocked;
        private boolean failing;

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

        private synchronized List<LogEntry> read(long fromNanos) {
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
        public List<LogEntry> since(long fromNanos) {
            return read(fromNanos);
        }

        @Override
        public String describe() {
            return "the store in memory";
        }
    }
}
