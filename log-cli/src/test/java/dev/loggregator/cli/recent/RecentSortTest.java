package dev.loggregator.cli.recent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import java.util.List;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.dropsonde.events.MetricFactory.CounterEvent;
import org.junit.jupiter.api.Test;

class RecentSortTest {
    private static Envelope log(String text, long timestamp) {
        return Envelope.newBuilder().setOrigin("o").setEventType(Envelope.EventType.LogMessage)
                .setLogMessage(LogMessage.newBuilder().setMessage(ByteString.copyFromUtf8(text))
                        .setMessageType(LogMessage.MessageType.OUT).setTimestamp(timestamp)).build();
    }

    @Test
    void sortsStablyByLogTimestampAndKeepsOnlyLogs() {
        Envelope counter = Envelope.newBuilder().setOrigin("o").setEventType(Envelope.EventType.CounterEvent)
                .setCounterEvent(CounterEvent.newBuilder().setName("c").setDelta(1)).build();
        List<LogEntry> sorted = TrafficControllerRecent.sortedLogs(List.of(
                log("d", 40), log("b1", 20), counter, log("a", 10), log("b2", 20), log("c", 30), log("b3", 20)), RecentLogs.NO_START);
        assertEquals(List.of("a", "b1", "b2", "b3", "c", "d"),
                sorted.stream().map(e -> e.log().getMessage().toStringUtf8()).toList());
        assertEquals(List.of("c", "d"), TrafficControllerRecent.sortedLogs(List.of(log("d", 40), log("a", 10), log("c", 30)), 30)
                .stream().map(e -> e.log().getMessage().toStringUtf8()).toList(), "--since keeps what is stamped at or after it");
    }
}
