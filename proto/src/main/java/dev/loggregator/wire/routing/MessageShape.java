package dev.loggregator.wire.routing;

import static dev.loggregator.wire.routing.ProtoScanner.I64;
import static dev.loggregator.wire.routing.ProtoScanner.LEN;
import static dev.loggregator.wire.routing.ProtoScanner.VARINT;

import dev.loggregator.wire.MalformedEnvelopeException;

/**
 * The wire types and required fields of one dropsonde message (spec §1), so that a scan can
 * reject what protobuf-java's parser would reject (a missing required field, or a known field of
 * the wrong wire type, which proto2 keeps as unknown and so counts as missing).
 */
enum MessageShape {
    LOG_MESSAGE("LogMessage", new int[] {-1, LEN, VARINT, VARINT, LEN, LEN, LEN}, 1, 2, 3),
    VALUE_METRIC("ValueMetric", new int[] {-1, LEN, I64, LEN}, 1, 2, 3),
    COUNTER_EVENT("CounterEvent", new int[] {-1, LEN, VARINT, VARINT}, 1, 2),
    CONTAINER_METRIC("ContainerMetric", new int[] {-1, LEN, VARINT, I64, VARINT, VARINT, VARINT, VARINT},
            1, 2, 3, 4, 5),
    ERROR("Error", new int[] {-1, LEN, VARINT, LEN}, 1, 2, 3),
    HTTP_START_STOP("HttpStartStop",
            new int[] {-1, VARINT, VARINT, LEN, VARINT, VARINT, LEN, LEN, LEN, VARINT, VARINT, -1, LEN, VARINT, LEN, LEN},
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
    UUID("UUID", new int[] {-1, VARINT, VARINT}, 1, 2);

    private final String name;
    private final int[] wireTypes;
    private final long requiredMask;

    MessageShape(String name, int[] wireTypes, int... required) {
        this.name = name;
        this.wireTypes = wireTypes;
        long mask = 0;
        for (int field : required) {
            mask |= 1L << field;
        }
        this.requiredMask = mask;
    }

    /** True when {@code field} is declared with {@code wireType}. */
    boolean declares(int field, int wireType) {
        return field < wireTypes.length && wireTypes[field] == wireType;
    }

    static long bit(int field) {
        return field < 64 ? 1L << field : 0;
    }

    void requireAll(long seen) {
        long missing = requiredMask & ~seen;
        if (missing != 0) {
            throw new MalformedEnvelopeException(name + " is missing required field " + Long.numberOfTrailingZeros(missing));
        }
    }
}
