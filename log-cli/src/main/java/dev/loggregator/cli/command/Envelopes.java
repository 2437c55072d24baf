package dev.loggregator.cli.command;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.loggregator.cli.output.Notices;
import java.util.concurrent.atomic.AtomicLong;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;

/** Parses stream frames; like noaa, a frame that is not a valid envelope is skipped, but we say so (once per 1000). */
final class Envelopes {
    private final Notices notices;
    private final AtomicLong unreadable = new AtomicLong();

    Envelopes(Notices notices) {
        this.notices = notices;
    }

    /** The envelope, or null if the frame is not one. */
    Envelope parse(byte[] frame) {
        try {
            return Envelope.parseFrom(frame);
        } catch (InvalidProtocolBufferException e) {
            long count = unreadable.incrementAndGet();
            if (count == 1 || count % 1000 == 0) {
                notices.say("skipped " + count + " unreadable frame" + (count == 1 ? "" : "s") + " from the server ("
                        + e.getMessage() + ")");
            }
            return null;
        }
    }
}
