package dev.loggregator.wire.routing;

import static dev.loggregator.wire.routing.ProtoScanner.LEN;
import static dev.loggregator.wire.routing.ProtoScanner.VARINT;

import dev.loggregator.wire.MalformedEnvelopeException;
import dev.loggregator.wire.routing.EnvelopeRouting.Routing;
import dev.loggregator.wire.uuid.V1Uuids;
import java.nio.charset.StandardCharsets;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.cloudfoundry.dropsonde.events.HttpFactory.HttpStartStop;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.dropsonde.events.MetricFactory.ContainerMetric;

/**
 * One validating scan of an envelope for {@link EnvelopeRouting}. protobuf-java merges every
 * occurrence of a message field into one message, so a payload may arrive in several chunks (and
 * other payloads than the one eventType names may be present); the scan therefore checks every
 * chunk, merges the required fields seen per payload, and keeps the last app id written.
 */
final class EnvelopeScan {
    private static final int ORIGIN = Envelope.ORIGIN_FIELD_NUMBER;
    private static final int EVENT_TYPE = Envelope.EVENTTYPE_FIELD_NUMBER;
    private static final int FIRST_PAYLOAD = Envelope.HTTPSTARTSTOP_FIELD_NUMBER;
    private static final int LAST_PAYLOAD = Envelope.CONTAINERMETRIC_FIELD_NUMBER;
    private static final int TAGS = Envelope.TAGS_FIELD_NUMBER;
    private static final int HTTP_START_STOP = Envelope.HTTPSTARTSTOP_FIELD_NUMBER;
    private static final int REQUEST_ID = HttpStartStop.REQUESTID_FIELD_NUMBER;
    private static final int APPLICATION_ID = HttpStartStop.APPLICATIONID_FIELD_NUMBER;
    private static final int TAG_KEY = 1 << 3 | LEN;
    private static final int TAG_VALUE = 2 << 3 | LEN;
    /** Marks a payload as present in {@link #seen}; field numbers start at 1, so bit 0 is free. */
    private static final long PRESENT = 1;

    private static final int LOG_MESSAGE = Envelope.LOGMESSAGE_FIELD_NUMBER;
    private static final int CONTAINER_METRIC = Envelope.CONTAINERMETRIC_FIELD_NUMBER;
    /** The string fields holding the app id: LogMessage.app_id and ContainerMetric.applicationId. */
    private static final int LOG_APP_ID = LogMessage.APP_ID_FIELD_NUMBER;
    private static final int LOG_MESSAGE_BYTES = LogMessage.MESSAGE_FIELD_NUMBER;
    private static final int LOG_SOURCE_TYPE = LogMessage.SOURCE_TYPE_FIELD_NUMBER;
    private static final int LOG_SOURCE_INSTANCE = LogMessage.SOURCE_INSTANCE_FIELD_NUMBER;
    private static final int CONTAINER_APPLICATION_ID = ContainerMetric.APPLICATIONID_FIELD_NUMBER;

    /** Payload shapes by envelope field number. */
    private static final MessageShape[] SHAPES = new MessageShape[LAST_PAYLOAD + 1];

    static {
        SHAPES[7] = MessageShape.HTTP_START_STOP;
        SHAPES[8] = MessageShape.LOG_MESSAGE;
        SHAPES[9] = MessageShape.VALUE_METRIC;
        SHAPES[10] = MessageShape.COUNTER_EVENT;
        SHAPES[11] = MessageShape.ERROR;
        SHAPES[12] = MessageShape.CONTAINER_METRIC;
    }

    private final byte[] buffer;
    /**
     * Per payload: PRESENT plus a bit per field seen with a valid value, over all chunks; 16 bits
     * per payload (their field numbers end at 15), payloads 7..10 in the first long, 11..12 in
     * the second. Plain fields rather than arrays keep the scan free of allocation.
     */
    private long seenHttpLogValueCounter;
    private long seenErrorContainer;
    private int logAppOffset;
    private int logAppLength;
    private int logMessageLength;
    private int logSourceTypeOffset;
    private int logSourceTypeLength;
    private int logInstanceOffset;
    private int logInstanceLength;
    private int containerAppOffset;
    private int containerAppLength;
    private long requestIdSeen;
    private long applicationIdSeen;
    private long applicationLow;
    private long applicationHigh;

    EnvelopeScan(byte[] buffer) {
        this.buffer = buffer;
    }

    Routing scan(int offset, int length) {
        ProtoScanner envelope = new ProtoScanner(buffer, offset, length, 0);
        boolean hasOrigin = false;
        EventType eventType = null;
        while (envelope.hasMore()) {
            int tag = envelope.readTag();
            int field = tag >>> 3;
            int wireType = tag & 7;
            if (wireType == LEN) {
                int size = envelope.readLength();
                int start = envelope.position();
                envelope.skipBytes(size);
                if (field == ORIGIN) {
                    hasOrigin = true;
                } else if (field >= FIRST_PAYLOAD && field <= LAST_PAYLOAD) {
                    payload(field, start, size);
                } else if (field == TAGS) {
                    tagEntry(start, size);
                }
            } else if (field == EVENT_TYPE && wireType == VARINT) {
                // proto2 keeps an unknown enum value as an unknown field; an earlier valid one stands
                EventType type = EventType.forNumber((int) envelope.readVarint());
                if (type != null) {
                    eventType = type;
                }
            } else {
                envelope.skip(tag);
            }
        }
        if (!hasOrigin) {
            throw new MalformedEnvelopeException("Envelope is missing required field origin");
        }
        if (eventType == null) {
            throw new MalformedEnvelopeException("Envelope is missing required field eventType (or has only unknown values)");
        }
        requireComplete();
        int payloadField = payloadFieldOf(eventType);
        if (seen(payloadField) == 0) {
            throw new MalformedEnvelopeException(eventType + " envelope has no " + eventType + " payload");
        }
        String appId = appId(eventType);
        if (eventType == EventType.LogMessage && AppOutput.isAppSourceType(buffer, logSourceTypeOffset, logSourceTypeLength)) {
            return new Routing(appId, eventType, logMessageLength,
                    AppOutput.instanceKey(buffer, logInstanceOffset, logInstanceLength));
        }
        return new Routing(appId, eventType);
    }

    private long seen(int payloadField) {
        return payloadField <= 10
                ? seenHttpLogValueCounter >>> (payloadField - 7) * 16 & 0xFFFF
                : seenErrorContainer >>> (payloadField - 11) * 16 & 0xFFFF;
    }

    private void addSeen(int payloadField, long fields) {
        if (payloadField <= 10) {
            seenHttpLogValueCounter |= fields << (payloadField - 7) * 16;
        } else {
            seenErrorContainer |= fields << (payloadField - 11) * 16;
        }
    }

    private void payload(int field, int offset, int length) {
        MessageShape shape = SHAPES[field];
        ProtoScanner scanner = new ProtoScanner(buffer, offset, length, 1);
        long fields = PRESENT;
        while (scanner.hasMore()) {
            int tag = scanner.readTag();
            int number = tag >>> 3;
            int wireType = tag & 7;
            if (!shape.declares(number, wireType)) {
                scanner.skip(tag);
            } else if (wireType == VARINT) {
                if (shape.accepts(number, scanner.readVarint())) {
                    fields |= MessageShape.bit(number);
                }
            } else if (wireType == LEN) {
                int size = scanner.readLength();
                int start = scanner.position();
                scanner.skipBytes(size);
                fields |= MessageShape.bit(number);
                if (field == LOG_MESSAGE) {
                    logField(number, start, size);
                } else if (field == CONTAINER_METRIC && number == CONTAINER_APPLICATION_ID) {
                    containerAppOffset = start;
                    containerAppLength = size;
                } else if (field == HTTP_START_STOP && number == REQUEST_ID) {
                    requestIdSeen |= uuid(start, size, false);
                } else if (field == HTTP_START_STOP && number == APPLICATION_ID) {
                    applicationIdSeen |= uuid(start, size, true);
                }
            } else {
                scanner.skip(tag);
                fields |= MessageShape.bit(number);
            }
        }
        addSeen(field, fields);
    }

    /** Keeps where the LogMessage's app id, source type and instance are, and its message's length (the last of each wins, as in protobuf-java). */
    private void logField(int number, int offset, int length) {
        switch (number) {
            case LOG_APP_ID -> {
                logAppOffset = offset;
                logAppLength = length;
            }
            case LOG_MESSAGE_BYTES -> logMessageLength = length;
            case LOG_SOURCE_TYPE -> {
                logSourceTypeOffset = offset;
                logSourceTypeLength = length;
            }
            case LOG_SOURCE_INSTANCE -> {
                logInstanceOffset = offset;
                logInstanceLength = length;
            }
            default -> {
            }
        }
    }

    /** Scans a UUID chunk; returns the fields it set, keeping the application id's values. */
    private long uuid(int offset, int length, boolean application) {
        ProtoScanner scanner = new ProtoScanner(buffer, offset, length, 2);
        long fields = 0;
        while (scanner.hasMore()) {
            int tag = scanner.readTag();
            int number = tag >>> 3;
            if (!MessageShape.UUID.declares(number, tag & 7)) {
                scanner.skip(tag);
                continue;
            }
            long value = scanner.readVarint();
            fields |= MessageShape.bit(number);
            if (application && number == 1) {
                applicationLow = value;
            } else if (application) {
                applicationHigh = value;
            }
        }
        return fields;
    }

    /** A tags map entry: protobuf-java parses it and requires its key and value to be UTF-8. */
    private void tagEntry(int offset, int length) {
        ProtoScanner scanner = new ProtoScanner(buffer, offset, length, 1);
        while (scanner.hasMore()) {
            int tag = scanner.readTag();
            if (tag == TAG_KEY || tag == TAG_VALUE) {
                int size = scanner.readLength();
                if (!Utf8.isValid(buffer, scanner.position(), size)) {
                    throw new MalformedEnvelopeException("Envelope tag " + (tag == TAG_KEY ? "key" : "value") + " is not UTF-8");
                }
                scanner.skipBytes(size);
            } else {
                scanner.skip(tag);
            }
        }
    }

    /** Every payload present, with its chunks merged, has its required fields, as protobuf-java demands. */
    private void requireComplete() {
        for (int field = FIRST_PAYLOAD; field <= LAST_PAYLOAD; field++) {
            long fields = seen(field);
            if (fields != 0) {
                SHAPES[field].requireAll(fields);
            }
        }
        long http = seen(HTTP_START_STOP);
        if (http != 0) {
            MessageShape.UUID.requireAll(requestIdSeen);
            if ((http & MessageShape.bit(APPLICATION_ID)) != 0) {
                MessageShape.UUID.requireAll(applicationIdSeen);
            }
        }
    }

    private String appId(EventType eventType) {
        return switch (eventType) {
            case LogMessage -> text(logAppOffset, logAppLength);
            case ContainerMetric -> text(containerAppOffset, containerAppLength);
            case HttpStartStop -> (seen(HTTP_START_STOP) & MessageShape.bit(APPLICATION_ID)) != 0
                    ? V1Uuids.format(applicationLow, applicationHigh) : EnvelopeRouting.SYSTEM;
            default -> EnvelopeRouting.SYSTEM;
        };
    }

    /** An app id string; absent (length 0 by default) or empty means no app. */
    private String text(int offset, int length) {
        return length == 0 ? EnvelopeRouting.SYSTEM : new String(buffer, offset, length, StandardCharsets.UTF_8);
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
}
