package dev.loggregator.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.dropsonde.events.MetricFactory.CounterEvent;
import org.junit.jupiter.api.Test;

/** The Doppler's loss reports (an LGR log message and a TruncatingBuffer.DroppedMessages counter) reach stderr. */
class DropNoticesTest {
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final DropNotices notices = new DropNotices(new Notices(new PrintStream(stderr, true, StandardCharsets.UTF_8)));

    @Test
    void showsTheDopplersLossReports() {
        Envelope lgr = Envelope.newBuilder().setOrigin("DopplerServer").setEventType(Envelope.EventType.LogMessage)
                .setLogMessage(LogMessage.newBuilder().setMessageType(LogMessage.MessageType.ERR).setTimestamp(1).setSourceType("LGR")
                        .setMessage(ByteString.copyFromUtf8("Log message output is too high. 12 messages dropped (Total 30 messages dropped) from DopplerServer to 10.0.0.1:5000.")))
                .build();
        Envelope counter = Envelope.newBuilder().setOrigin("DopplerServer").setEventType(Envelope.EventType.CounterEvent)
                .setCounterEvent(CounterEvent.newBuilder().setName("TruncatingBuffer.DroppedMessages").setDelta(12).setTotal(30)).build();
        assertTrue(notices.show(lgr));
        assertTrue(notices.show(counter));
        assertEquals("logs: [LGR] Log message output is too high. 12 messages dropped (Total 30 messages dropped) from DopplerServer to 10.0.0.1:5000.\n"
                + "logs: the server dropped 12 messages of this stream (30 in total): the stream was read more slowly than it was written\n",
                stderr.toString(StandardCharsets.UTF_8));
    }

    @Test
    void ordinaryEnvelopesAreNotNotices() {
        Envelope app = Envelope.newBuilder().setOrigin("rep").setEventType(Envelope.EventType.LogMessage)
                .setLogMessage(LogMessage.newBuilder().setMessageType(LogMessage.MessageType.ERR).setTimestamp(1)
                        .setSourceType("APP/PROC/WEB").setMessage(ByteString.copyFromUtf8("dropped the ball"))).build();
        Envelope counter = Envelope.newBuilder().setOrigin("gorouter").setEventType(Envelope.EventType.CounterEvent)
                .setCounterEvent(CounterEvent.newBuilder().setName("requests").setDelta(1)).build();
        assertFalse(notices.show(app));
        assertFalse(notices.show(counter));
        assertEquals("", stderr.toString(StandardCharsets.UTF_8));
    }
}
