package dev.loggregator.wire.routing;

import dev.loggregator.wire.MalformedEnvelopeException;
import dev.loggregator.wire.uuid.V1Uuids;
import java.nio.charset.StandardCharsets;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;

/**
 * Reads the routing key (app id, spec §1.6) and event type of a marshalled v1 envelope by
 * scanning its bytes, without building an Envelope: this runs once per envelope at ingress.
 * The scan also checks what protobuf-java would check (required fields, wire types, lengths,
 * known enum values), so bytes it accepts parse as an Envelope everywhere downstream.
 */
public final class EnvelopeRouting {
    /** The routing key of envelopes that belong to no app (dropsonde {@code GetAppId}). */
    public static final String SYSTEM = "system";

    private static final int ORIGIN = 1;
    private static final int EVENT_TYPE = 2;

    private EnvelopeRouting() {
    }

    /** An envelope's app id and event type. */
    public record Routing(String appId, EventType eventType) {
    }

    public static Routing read(byte[] envelope) {
        return read(envelope, 0, envelope.length);
    }

    public static Routing read(byte[] buffer, int offset, int length) {
        ProtoScanner scanner = new ProtoScanner(buffer, offset, length);
        boolean hasOrigin = false;
        int eventTypeNumber = -1;
        int payloadField = -1;
        int payloadOffset = 0;
        int payloadLength = 0;
        while (scanner.hasMore()) {
            int tag = scanner.readTag();
            int field = tag >>> 3;
            int wireType = tag & 7;
            if (field == ORIGIN && wireType == ProtoScanner.LEN) {
                scanner.skipBytes(scanner.readLength());
                hasOrigin = true;
            } else if (field == EVENT_TYPE && wireType == ProtoScanner.VARINT) {
                eventTypeNumber = (int) scanner.readVarint();
            } else if (field >= 7 && field <= 12 && wireType == ProtoScanner.LEN) {
                payloadLength = scanner.readLength();
                payloadOffset = scanner.position();
                payloadField = field;
                scanner.skipBytes(payloadLength);
            } else {
                scanner.skip(wireType);
            }
        }
        if (!hasOrigin) {
            throw new MalformedEnvelopeException("Envelope is missing required field origin");
        }
        EventType eventType = eventTypeNumber < 0 ? null : EventType.forNumber(eventTypeNumber);
        if (eventType == null) {
            throw new MalformedEnvelopeException(eventTypeNumber < 0
                    ? "Envelope is missing required field eventType" : "unknown eventType " + eventTypeNumber);
        }
        int expectedField = payloadFieldOf(eventType);
        if (payloadField != expectedField) {
            throw new MalformedEnvelopeException(eventType + " envelope has no " + eventType + " payload");
        }
        ProtoScanner payload = new ProtoScanner(buffer, payloadOffset, payloadLength);
        String appId = switch (eventType) {
            case LogMessage -> scanApp(payload, MessageShape.LOG_MESSAGE, 4, false);
            case ContainerMetric -> scanApp(payload, MessageShape.CONTAINER_METRIC, 1, false);
            case HttpStartStop -> scanApp(payload, MessageShape.HTTP_START_STOP, 12, true);
            case ValueMetric -> scanApp(payload, MessageShape.VALUE_METRIC, -1, false);
            case CounterEvent -> scanApp(payload, MessageShape.COUNTER_EVENT, -1, false);
            case Error -> scanApp(payload, MessageShape.ERROR, -1, false);
        };
        return new Routing(appId, eventType);
    }

    private static int payloadFieldOf(EventType eventType) {
        return switch (eventType) {
            case HttpStartStop -> 7;
            case LogMessage -> 8;
            case ValueMetric -> 9;
            case CounterEvent -> 10;
            case Error -> 11;
            case ContainerMetric -> 12;
        };
    }

    /**
     * Validates a payload message and returns the app id held in {@code appField} (a string, or a
     * UUID message when {@code appIsUuid}), or {@link #SYSTEM} when there is none.
     */
    private static String scanApp(ProtoScanner scanner, MessageShape shape, int appField, boolean appIsUuid) {
        long seen = 0;
        String appId = SYSTEM;
        while (scanner.hasMore()) {
            int tag = scanner.readTag();
            int field = tag >>> 3;
            int wireType = tag & 7;
            if (!shape.declares(field, wireType)) {
                scanner.skip(wireType);
                continue;
            }
            seen |= MessageShape.bit(field);
            if (wireType == ProtoScanner.VARINT) {
                checkEnum(shape, field, scanner.readVarint());
            } else if (wireType == ProtoScanner.LEN) {
                int length = scanner.readLength();
                int start = scanner.position();
                scanner.skipBytes(length);
                if (field == appField) {
                    appId = appIsUuid ? readUuid(scanner.buffer(), start, length)
                            : length == 0 ? SYSTEM : new String(scanner.buffer(), start, length, StandardCharsets.UTF_8);
                } else if (shape == MessageShape.HTTP_START_STOP && field == 3) {
                    readUuid(scanner.buffer(), start, length);
                }
            } else {
                scanner.skip(wireType);
            }
        }
        shape.requireAll(seen);
        return appId;
    }

    private static void checkEnum(MessageShape shape, int field, long value) {
        boolean valid = switch (shape) {
            case LOG_MESSAGE -> field != 2 || value == 1 || value == 2;
            case HTTP_START_STOP -> field == 4 ? value == 1 || value == 2 : field != 5 || value >= 1 && value <= 44;
            default -> true;
        };
        if (!valid) {
            throw new MalformedEnvelopeException(shape + " field " + field + " has unknown enum value " + value);
        }
    }

    private static String readUuid(byte[] buffer, int offset, int length) {
        ProtoScanner scanner = new ProtoScanner(buffer, offset, length);
        long seen = 0;
        long low = 0;
        long high = 0;
        while (scanner.hasMore()) {
            int tag = scanner.readTag();
            int field = tag >>> 3;
            int wireType = tag & 7;
            if (MessageShape.UUID.declares(field, wireType)) {
                seen |= MessageShape.bit(field);
                long value = scanner.readVarint();
                if (field == 1) {
                    low = value;
                } else {
                    high = value;
                }
            } else {
                scanner.skip(wireType);
            }
        }
        MessageShape.UUID.requireAll(seen);
        return V1Uuids.format(low, high);
    }
}
