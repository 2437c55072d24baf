package dev.loggregator.doppler.ratelimit;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.loggregator.doppler.routing.RoutedEnvelope;
import dev.loggregator.wire.transcode.V2LogToV1Bytes;
import dev.loggregator.wire.v2.V2ToV1Converter;
import org.cloudfoundry.dropsonde.events.EventFactory;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;

/**
 * The line an app instance finds in its own stream when it goes over its log-rate limit, as Cloud
 * Foundry's executor writes it ({@code log_rate_limiter.go}): an OUT log from the same source type and
 * instance as the app's lines, {@code app instance exceeded log rate limit (<N> bytes/sec)}. It is made
 * from the log that went over, with only its text, type and time replaced, so it carries the app's own
 * source id, instance, source type and tags in whichever form (v1 or v2) that log arrived.
 */
public final class LogRateLimitNotice {
    private LogRateLimitNotice() {
    }

    public static String text(long bytesPerSecond) {
        return "app instance exceeded log rate limit (" + bytesPerSecond + " bytes/sec)";
    }

    /** The notice for the instance that wrote {@code trigger}; {@code nowNanos} is wall-clock Unix time. */
    static RoutedEnvelope of(RoutedEnvelope trigger, long bytesPerSecond, long nowNanos) {
        ByteString text = ByteString.copyFromUtf8(text(bytesPerSecond));
        if (trigger.arrivedAsV2()) {
            LoggregatorEnvelope.Envelope notice = trigger.v2().toBuilder()
                    .setTimestamp(nowNanos)
                    .setLog(LoggregatorEnvelope.Log.newBuilder().setPayload(text).setType(LoggregatorEnvelope.Log.Type.OUT))
                    .build();
            return RoutedEnvelope.fromV2(notice.toByteArray(), notice, new byte[][] {v1Form(notice)},
                    trigger.appId(), EventType.LogMessage);
        }
        EventFactory.Envelope app = parse(trigger.v1Bytes());
        byte[] notice = app.toBuilder()
                .setTimestamp(nowNanos)
                .setLogMessage(app.getLogMessage().toBuilder()
                        .setMessage(text)
                        .setMessageType(LogMessage.MessageType.OUT)
                        .setTimestamp(nowNanos))
                .build()
                .toByteArray();
        return RoutedEnvelope.fromV1(trigger.appId(), EventType.LogMessage, notice);
    }

    private static byte[] v1Form(LoggregatorEnvelope.Envelope notice) {
        V2LogToV1Bytes.Result plain = V2LogToV1Bytes.transcode(notice);
        return plain != null ? plain.envelope() : V2ToV1Converter.convert(notice).get(0).toByteArray();
    }

    private static EventFactory.Envelope parse(byte[] v1) {
        try {
            return EventFactory.Envelope.parseFrom(v1);
        } catch (InvalidProtocolBufferException e) {
            // validated at ingress (EnvelopeRouting): bytes that got this far parse
            throw new IllegalStateException("v1 envelope no longer parses", e);
        }
    }
}
