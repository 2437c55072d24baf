package dev.loggregator.cli.recent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.junit.jupiter.api.Test;

/** The de-duplication memory: bounded, and it knows up to when it forgot. */
class SeenLogsTest {
    private static LogEntry log(long timestamp, String text) {
        return new LogEntry(Envelope.newBuilder().setOrigin("rep").setEventType(Envelope.EventType.LogMessage)
                .setLogMessage(LogMessage.newBuilder().setMessage(ByteString.copyFromUtf8(text))
                        .setMessageType(LogMessage.MessageType.OUT).setTimestamp(timestamp)
                        .setSourceType("APP/PROC/WEB").setSourceInstance("0")).build(), null);
    }

    @Test
    void aMessageIsTheSameByTimestampSourceInstanceAndText() {
        SeenLogs seen = new SeenLogs(10);
        assertTrue(seen.add(log(1, "a")));
        assertFalse(seen.add(log(1, "a")));
        assertTrue(seen.add(log(1, "b")));
        assertTrue(seen.add(log(2, "a")));
    }

    @Test
    void beyondItsCapacityItForgetsTheEarliestTakenAndRemembersTheNewestTimestampForgotten() {
        SeenLogs seen = new SeenLogs(2);
        assertEquals(Long.MIN_VALUE, seen.forgottenNewest());
        seen.add(log(30, "late-stamped, taken first"));
        seen.add(log(10, "b"));
        seen.add(log(20, "c"));
        assertEquals(2, seen.size());
        assertEquals(30, seen.forgottenNewest());
        seen.add(log(40, "d"));
        assertEquals(30, seen.forgottenNewest(), "the newest forgotten, not the last");
        assertTrue(seen.add(log(30, "late-stamped, taken first")), "forgotten: it would pass again, hence reads start after 30");
    }
}
