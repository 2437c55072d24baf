package dev.loggregator.wire.routing;

import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;

/**
 * Reads the routing key (app id, spec §1.6) and event type of a marshalled v1 envelope by
 * scanning its bytes, without building an Envelope: this runs once per envelope at ingress.
 * The scan also checks what protobuf-java would check (required fields, wire types, lengths,
 * known enum values, the UTF-8 of tags), so bytes it accepts parse as an Envelope everywhere
 * downstream. It is stricter in one way only: an envelope without the payload its eventType
 * names is rejected, as there is nothing to route.
 */
public final class EnvelopeRouting {
    /** The routing key of envelopes that belong to no app (dropsonde {@code GetAppId}). */
    public static final String SYSTEM = "system";

    private EnvelopeRouting() {
    }

    /**
     * An envelope's app id and event type; for a log of an app's own output ({@link AppOutput}) also the
     * length of its message, which a log-rate limit charges, and its instance's {@link AppOutput} key
     * ({@code appLogBytes} -1 and key 0 for anything else).
     */
    public record Routing(String appId, EventType eventType, int appLogBytes, long instanceKey) {
        /** The routing of an envelope that is not an app's own log. */
        public Routing(String appId, EventType eventType) {
            this(appId, eventType, -1, 0);
        }
    }

    /** @throws dev.loggregator.wire.MalformedEnvelopeException if the bytes are not a valid envelope */
    public static Routing read(byte[] envelope) {
        return read(envelope, 0, envelope.length);
    }

    /** @throws dev.loggregator.wire.MalformedEnvelopeException if the bytes are not a valid envelope */
    public static Routing read(byte[] buffer, int offset, int length) {
        return new EnvelopeScan(buffer).scan(offset, length);
    }
}
