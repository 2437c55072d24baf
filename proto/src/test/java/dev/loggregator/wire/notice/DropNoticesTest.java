package dev.loggregator.wire.notice;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loggregator.wire.routing.EnvelopeRouting;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.junit.jupiter.api.Test;

class DropNoticesTest {
    @Test
    void theLogMessageIsAnErrLineFromLgrRoutedToTheApp() throws Exception {
        byte[] bytes = DropNotices.logMessage("LoggregatorTrafficController", "app-1", 5, 12, "10.0.0.1:5000", 42L);
        Envelope envelope = Envelope.parseFrom(bytes);
        assertEquals("LoggregatorTrafficController", envelope.getOrigin());
        LogMessage log = envelope.getLogMessage();
        assertEquals(LogMessage.MessageType.ERR, log.getMessageType());
        assertEquals("LGR", log.getSourceType());
        assertEquals("Log message output is too high. 5 messages dropped (Total 12 messages dropped) from "
                + "LoggregatorTrafficController to 10.0.0.1:5000.", log.getMessage().toStringUtf8());
        assertEquals("app-1", EnvelopeRouting.read(bytes).appId());
        assertEquals(42L, envelope.getTimestamp());
    }

    @Test
    void theCounterCarriesDeltaAndTotal() throws Exception {
        Envelope envelope = Envelope.parseFrom(DropNotices.counterEvent("DopplerServer", 5, 12, 42L));
        assertEquals(Envelope.EventType.CounterEvent, envelope.getEventType());
        assertEquals("TruncatingBuffer.DroppedMessages", envelope.getCounterEvent().getName());
        assertEquals(5, envelope.getCounterEvent().getDelta());
        assertEquals(12, envelope.getCounterEvent().getTotal());
    }
}
