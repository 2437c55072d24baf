package dev.loggregator.cli.output;

import java.nio.charset.StandardCharsets;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.dropsonde.events.MetricFactory.CounterEvent;

/**
 * Makes the server's loss reports visible on stderr. When a subscriber's buffer overflows, the
 * Doppler injects into that stream an ERR LogMessage from source type {@code LGR} ("... dropped N
 * messages ...") and a {@code TruncatingBuffer.DroppedMessages} CounterEvent (delta, total).
 */
public final class DropNotices {
    private final Notices notices;

    public DropNotices(Notices notices) {
        this.notices = notices;
    }

    /** True if {@code envelope} is a loss report from the server (and was shown). */
    public boolean show(Envelope envelope) {
        if (isServerLogNotice(envelope)) {
            notices.say("[LGR] " + envelope.getLogMessage().getMessage().toString(StandardCharsets.UTF_8).strip());
            return true;
        }
        if (envelope.hasCounterEvent() && envelope.getCounterEvent().getName().endsWith("DroppedMessages")) {
            CounterEvent counter = envelope.getCounterEvent();
            notices.say("the server dropped " + Long.toUnsignedString(counter.getDelta()) + " messages of this stream"
                    + (counter.hasTotal() ? " (" + Long.toUnsignedString(counter.getTotal()) + " in total)" : "")
                    + ": the stream was read more slowly than it was written");
            return true;
        }
        return false;
    }

    /** Loggregator's own messages about a stream (source type LGR), e.g. dropped-message reports. */
    public static boolean isServerLogNotice(Envelope envelope) {
        if (!envelope.hasLogMessage()) {
            return false;
        }
        LogMessage log = envelope.getLogMessage();
        return "LGR".equals(log.getSourceType());
    }
}
