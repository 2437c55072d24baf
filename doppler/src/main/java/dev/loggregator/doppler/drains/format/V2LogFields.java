package dev.loggregator.doppler.drains.format;

/**
 * The fields of a marshalled v2 log envelope that its syslog line needs, read straight from its
 * bytes as offsets into them: the drains' hot path formats app logs without parsing every envelope
 * again into a protobuf object graph (tag maps, strings) only to throw it away. Anything this
 * reader does not take exactly as protobuf would (an envelope that is no log, a log field given
 * twice, which protobuf would merge, an unexpected wire type, truncated bytes) makes {@link #read}
 * return false, and the caller parses the envelope instead. Strings are not checked for UTF-8: the
 * bytes were parsed at ingress. One instance per formatting thread, reused envelope after envelope.
 */
final class V2LogFields {
    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LENGTH_DELIMITED = 2;
    private static final int FIXED32 = 5;

    /** Thrown (without a stack trace) for what the caller should parse instead. */
    private static final class NotSimple extends RuntimeException {
        NotSimple() {
            super(null, null, false, false);
        }
    }

    private static final NotSimple NOT_SIMPLE = new NotSimple();

    byte[] bytes;
    long timestamp;
    int sourceIdStart;
    int sourceIdLength;
    int instanceIdStart;
    int instanceIdLength;
    int payloadStart;
    int payloadLength;
    int logType;
    int tagCount;
    int[] keyStart = new int[16];
    int[] keyLength = new int[16];
    int[] valueStart = new int[16];
    int[] valueLength = new int[16];
    /** Tag indexes in key byte order, one per distinct key (the last given wins, as in protobuf), after {@link #sortTags}. */
    int[] order = new int[16];
    private int pos;

    /** True when {@code envelope} is a log envelope read completely into the fields. */
    boolean read(byte[] envelope) {
        bytes = envelope;
        pos = 0;
        timestamp = 0;
        sourceIdStart = 0;
        sourceIdLength = 0;
        instanceIdStart = 0;
        instanceIdLength = 0;
        payloadStart = 0;
        payloadLength = 0;
        logType = 0;
        tagCount = 0;
        boolean log = false;
        try {
            while (pos < envelope.length) {
                long tag = varint();
                int field = (int) (tag >>> 3);
                int wire = (int) tag & 7;
                switch (field) {
                    case 1 -> timestamp = expect(wire, VARINT);
                    case 2 -> {
                        sourceIdLength = length(wire);
                        sourceIdStart = pos;
                        pos += sourceIdLength;
                    }
                    case 8 -> {
                        instanceIdLength = length(wire);
                        instanceIdStart = pos;
                        pos += instanceIdLength;
                    }
                    case 9 -> tag(length(wire));
                    case 4 -> {
                        if (log) {
                            return false; // protobuf merges the two
                        }
                        log = true;
                        log(length(wire));
                    }
                    case 5, 6, 7, 10 -> {
                        return false; // metrics and events: rare, parsed
                    }
                    default -> skip(wire); // deprecated tags (3) and unknown fields
                }
            }
            return log;
        } catch (NotSimple e) {
            return false;
        }
    }

    private void log(int length) {
        int end = pos + length;
        while (pos < end) {
            long tag = varint();
            switch ((int) (tag >>> 3)) {
                case 1 -> {
                    payloadLength = length((int) tag & 7);
                    payloadStart = pos;
                    pos += payloadLength;
                }
                case 2 -> logType = (int) expect((int) tag & 7, VARINT);
                default -> skip((int) tag & 7);
            }
        }
        if (pos != end) {
            throw NOT_SIMPLE;
        }
    }

    /** A {@code map<string, string>} entry: key 1, value 2, either missing meaning empty. */
    private void tag(int length) {
        int end = pos + length;
        int key = 0;
        int keyBytes = 0;
        int value = 0;
        int valueBytes = 0;
        while (pos < end) {
            long tag = varint();
            switch ((int) (tag >>> 3)) {
                case 1 -> {
                    keyBytes = length((int) tag & 7);
                    key = pos;
                    pos += keyBytes;
                }
                case 2 -> {
                    valueBytes = length((int) tag & 7);
                    value = pos;
                    pos += valueBytes;
                }
                default -> skip((int) tag & 7);
            }
        }
        if (pos != end) {
            throw NOT_SIMPLE;
        }
        if (tagCount == keyStart.length) {
            int size = tagCount * 2;
            keyStart = java.util.Arrays.copyOf(keyStart, size);
            keyLength = java.util.Arrays.copyOf(keyLength, size);
            valueStart = java.util.Arrays.copyOf(valueStart, size);
            valueLength = java.util.Arrays.copyOf(valueLength, size);
            order = new int[size];
        }
        keyStart[tagCount] = key;
        keyLength[tagCount] = keyBytes;
        valueStart[tagCount] = value;
        valueLength[tagCount] = valueBytes;
        tagCount++;
    }

    /** The index of the tag named {@code name} (the last given), or -1. */
    int find(byte[] name) {
        for (int i = tagCount - 1; i >= 0; i--) {
            if (java.util.Arrays.equals(bytes, keyStart[i], keyStart[i] + keyLength[i], name, 0, name.length)) {
                return i;
            }
        }
        return -1;
    }

    /** Sorts the tags into {@link #order} by key bytes (Go's string order), the last of equal keys kept; returns how many. */
    int sortTags() {
        for (int i = 0; i < tagCount; i++) {
            int tag = i;
            int j = i - 1;
            // stable: a later equal key goes after the earlier one
            while (j >= 0 && compareKeys(order[j], tag) > 0) {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = tag;
        }
        int kept = 0;
        for (int i = 0; i < tagCount; i++) {
            if (i + 1 < tagCount && compareKeys(order[i], order[i + 1]) == 0) {
                continue;
            }
            order[kept++] = order[i];
        }
        return kept;
    }

    private int compareKeys(int a, int b) {
        return java.util.Arrays.compareUnsigned(bytes, keyStart[a], keyStart[a] + keyLength[a],
                bytes, keyStart[b], keyStart[b] + keyLength[b]);
    }

    private long expect(int wire, int expected) {
        if (wire != expected) {
            throw NOT_SIMPLE;
        }
        return varint();
    }

    private int length(int wire) {
        if (wire != LENGTH_DELIMITED) {
            throw NOT_SIMPLE;
        }
        long length = varint();
        if (length < 0 || length > bytes.length - pos) {
            throw NOT_SIMPLE;
        }
        return (int) length;
    }

    private void skip(int wire) {
        int skipped = switch (wire) {
            case VARINT -> {
                varint();
                yield 0;
            }
            case FIXED64 -> 8;
            case LENGTH_DELIMITED -> length(wire);
            case FIXED32 -> 4;
            default -> throw NOT_SIMPLE; // groups
        };
        if (skipped > bytes.length - pos) {
            throw NOT_SIMPLE;
        }
        pos += skipped;
    }

    private long varint() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= bytes.length) {
                throw NOT_SIMPLE;
            }
            byte b = bytes[pos++];
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw NOT_SIMPLE;
    }
}
