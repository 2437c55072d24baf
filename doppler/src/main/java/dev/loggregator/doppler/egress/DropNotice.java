package dev.loggregator.doppler.egress;

import com.google.protobuf.ByteString;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.dropsonde.events.MetricFactory.CounterEvent;

/**
 * The two envelopes a subscriber finds in its stream after the Doppler dropped envelopes for it,
 * as the original Doppler's TruncatingBuffer wrote them: an ERR LogMessage from source type
 * {@code LGR} that a person reading {@code cf logs} understands, and the
 * {@code TruncatingBuffer.DroppedMessages} CounterEvent nozzles watch for.
 */
final class DropNotice {
    static final String ORIGIN = "DopplerServer";
    static final String COUNTER_NAME = "TruncatingBuffer.DroppedMessages";

    private DropNotice() {
    }

    static byte[] logMessage(String appId, long dropped, long total, String destination, long nowNanos) {
        String text = "Log message output is too high. " + dropped + " messages dropped (Total " + total
                + " messages dropped) from " + ORIGIN + " to " + destination + ".";
        return Envelope.newBuilder()
                .setOrigin(ORIGIN)
                .setEventType(Envelope.EventType.LogMessage)
                .setTimestamp(nowNanos)
                .setLogMessage(LogMessage.newBuilder()
                        .setMessage(ByteString.copyFromUtf8(text))
                        .setMessageType(LogMessage.MessageType.ERR)
                        .setTimestamp(nowNanos)
                        .setAppId(appId)
                        .setSourceType("LGR"))
                .build()
                .toByteArray();
    }

    static byte[] counterEvent(long dropped, long total, long nowNanos) {
        return Envelope.newBuilder()
                .setOrigin(ORIGIN)
                .setEventType(Envelope.EventType.CounterEvent)
                .setTimestamp(nowNanos)
                .setCounterEvent(CounterEvent.newBuilder()
                        .setName(COUNTER_NAME)
                        .setDelta(dropped)
                        .setTotal(total))
                .build()
                .toByteArray();
    }
}
