package dev.loggregator.cli.recent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.loggregator.cli.stream.Gap;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Collections;
import java.util.List;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.junit.jupiter.api.Test;

/** What the tail says about a gap, and where it says lines may be missing. */
class GapNoticeTest {
    private static final Gap GAP = new Gap(0, 12_345);
    /** 14:03:07.123 today, local time, in nanoseconds. */
    private static final long START = LocalDateTime.now().withHour(14).withMinute(3).withSecond(7).withNano(123_000_000)
            .atZone(ZoneId.systemDefault()).toInstant().toEpochMilli() * 1_000_000L;

    private static LogEntry log(long timestamp) {
        return new LogEntry(Envelope.newBuilder().setOrigin("rep").setEventType(Envelope.EventType.LogMessage)
                .setLogMessage(LogMessage.newBuilder().setMessage(ByteString.copyFromUtf8("x"))
                        .setMessageType(LogMessage.MessageType.OUT).setTimestamp(timestamp)).build(), null);
    }

    @Test
    void aStoreThatReachesBackToTheGapsStartSaysOnlyHowManyLinesItFilled() {
        assertEquals("filled the gap of 12.3 s with 9,012 lines from Log Cache",
                GapNotice.filled(GAP, "Log Cache", 9012, START, List.of(log(START - 1), log(START + 5))));
    }

    @Test
    void aStoreWhoseOldestLineIsNewerThanTheGapsStartSaysFromWhenToWhenLinesMayBeMissing() {
        assertEquals("filled the gap of 12.3 s with 1 line from Log Cache, which holds nothing older than 14:03:08.123:"
                        + " lines stamped from 14:03:07.123 until then may be missing",
                GapNotice.filled(GAP, "Log Cache", 1, START, List.of(log(START + 1_000_000_000L))));
        assertEquals("filled the gap of 12.3 s with 0 lines from Log Cache, which holds no line since 14:03:07.123:"
                        + " lines sent during the gap may be missing",
                GapNotice.filled(GAP, "Log Cache", 0, START, List.of()));
    }

    @Test
    void withoutALinePrintedBeforeTheGapNothingIsClaimedAboutItsStart() {
        assertEquals("filled the gap of 12.3 s with 2 lines from the Traffic Controller's recent logs",
                GapNotice.filled(GAP, "the Traffic Controller's recent logs", 2, RecentLogs.NO_START, List.of(log(START + 1_000_000_000L))));
    }

    @Test
    void aReadThatStoppedAtItsBoundSaysSo() {
        List<LogEntry> read = Collections.nCopies(RecentLogs.MAX_SINCE, log(START));
        String notice = GapNotice.filled(GAP, "Log Cache", RecentLogs.MAX_SINCE, START, read);
        assertTrue(notice.endsWith("; the read stopped at 100,000 lines (the most one read takes): lines stamped from 14:03:07.123"
                + " until the stream was back may be missing"), notice);
    }

    @Test
    void aFailedReadSaysTheGapMayHaveLostLines() {
        assertEquals("could not fill the gap of 0.25 s from Log Cache (HTTP 503): lines sent during the gap may be missing",
                GapNotice.failed(new Gap(1_000, 1_250), "Log Cache", "HTTP 503"));
    }
}
