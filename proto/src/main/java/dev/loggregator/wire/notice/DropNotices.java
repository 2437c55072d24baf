package dev.loggregator.wire.notice;

import com.google.protobuf.ByteString;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.dropsonde.events.MetricFactory.CounterEvent;

/**
 * The two envelopes a consumer finds in its stream after envelopes were dropped for it, as the
 * original Loggregator's TruncatingBuffer wrote them: an ERR LogMessage from source type
 * {@code LGR} that a person reading {@code cf logs} understands, and the
 * {@code TruncatingBuffer.DroppedMessages} CounterEvent that nozzles watch for. {@code origin}
 * names the component that dropped (e.g. {@code DopplerServer}, {@code LoggregatorTrafficController}).
 */
public final class DropNotices {
    public static final String COUNTER_NAME = "TruncatingBuffer.DroppedMessages";
    public static final String SOURCE_TYPE = "LGR";

    private DropNotices() {
    }

    public static byte[] logMessage(String origin, String appId, long dropped, long total, String destination,
                                    long nowNanos) {
        return lgr(origin, appId, "Log message output is too high. " + dropped + " messages dropped (Total " + total
                + " messages dropped) from " + origin + " to " + destination + ".", nowNanos);
    }

    /** An ERR LogMessage from source type LGR in the app's stream: what a person reading {@code cf logs} sees. */
    private static byte[] lgr(String origin, String appId, String text, long nowNanos) {
        return Envelope.newBuilder()
                .setOrigin(origin)
                .setEventType(Envelope.EventType.LogMessage)
                .setTimestamp(nowNanos)
                .setLogMessage(LogMessage.newBuilder()
                        .setMessage(ByteString.copyFromUtf8(text))
                        .setMessageType(LogMessage.MessageType.ERR)
                        .setTimestamp(nowNanos)
                        .setAppId(appId)
                        .setSourceType(SOURCE_TYPE))
                .build()
                .toByteArray();
    }

    public static byte[] counterEvent(String origin, long dropped, long total, long nowNanos) {
        return Envelope.newBuilder()
                .setOrigin(origin)
                .setEventType(Envelope.EventType.CounterEvent)
                .setTimestamp(nowNanos)
                .setCounterEvent(CounterEvent.newBuilder()
                        .setName(COUNTER_NAME)
                        .setDelta(dropped)
                        .setTotal(total))
                .build()
                .toByteArray();
    }

    /**
     * The notice an app finds in its own stream when a Doppler under overload shed its envelopes because
     * it sent more than its fair share (the apps sending least lose nothing): an ERR LogMessage from
     * source type {@code LGR}, like the drop notice.
     */
    public static byte[] overload(String origin, String appId, long shed, long total, String where, long nowNanos) {
        return lgr(origin, appId, "App sent more than its fair share while " + where + " was overloaded: " + shed
                + " envelopes dropped (total " + total + ").", nowNanos);
    }

    /**
     * As {@link #overload}, for an app that did not send more than its share and still lost envelopes:
     * {@code where} was so far behind that its ingress buffer was full, which drops every app alike.
     */
    public static byte[] saturated(String origin, String appId, long shed, long total, String where, long nowNanos) {
        return lgr(origin, appId, where + " was saturated (its ingress buffer full): " + shed
                + " envelopes dropped (total " + total + ").", nowNanos);
    }
}
