package dev.loggregator.wire.routing;

import static dev.loggregator.wire.routing.ProtoScanner.I64;
import static dev.loggregator.wire.routing.ProtoScanner.LEN;
import static dev.loggregator.wire.routing.ProtoScanner.VARINT;

import dev.loggregator.wire.MalformedEnvelopeException;

/**
 * The wire types, required fields and enum values of one dropsonde message (spec §1), so that a
 * scan can reject what protobuf-java's parser would reject: a missing required field, where a
 * known field of the wrong wire type or an unknown enum value does not count (proto2 keeps both
 * as unknown fields).
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

    /**
     * False for a varint field of enum type holding a value its enum lacks; protobuf-java reads
     * enums as int32, so only the low 32 bits of the varint count.
     */
    boolean accepts(int field, long varint) {
        int value = (int) varint;
        return switch (this) {
            case LOG_MESSAGE -> field != 2 || value == 1 || value == 2;
            case HTTP_START_STOP -> field == 4 ? value == 1 || value == 2 : field != 5 || value >= 1 && value <= 44;
            default -> true;
        };
    }

    static long bit(int field) {
        return 1L << field;
    }

    void requireAll(long seen) {
        long missing = requiredMask & ~seen;
        if (missing != 0) {
            throw new MalformedEnvelopeException(name + " is missing required field " + Long.numberOfTrailingZeros(missing));
        }
    }
}
