package dev.loggregator.wire.v2.json;

import io.netty.buffer.ByteBuf;

/**
 * The protojson of a marshalled v2 log envelope with preferred tags, written straight from its
 * protobuf bytes: the same bytes {@link EnvelopeJson#encode} writes for the parsed envelope, without
 * parsing it into objects first (a Log Cache read turns up to 1,000 stored envelopes into JSON each
 * time). It handles the common case only: a log envelope whose strings (source id, instance id, tags)
 * are printable ASCII, without {@code deprecated_tags} (which preferred tags would move) and without a
 * field given twice. For anything else it writes nothing and answers false, and the caller parses the
 * envelope and uses {@link EnvelopeJson}. One writer serves a whole batch (its scratch space is reused
 * from one envelope to the next); not thread-safe.
 */
public final class WireEnvelopeJson {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] LONG_MIN = Long.toString(Long.MIN_VALUE).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int WIRE_VARINT = 0;
    private static final int WIRE_FIXED64 = 1;
    private static final int WIRE_LENGTH = 2;
    private static final int WIRE_FIXED32 = 5;

    private final Fields fields = new Fields();
    /** The object is built here and handed to the buffer in one write (a ByteBuf checks every single write). */
    private byte[] json = new byte[1024];
    private int length;

    /**
     * Appends the envelope's JSON object to {@code out}; false (nothing written) when the envelope is
     * not one this writer handles or its bytes are not a well-formed envelope.
     */
    public boolean write(byte[] envelope, ByteBuf out) {
        fields.reset();
        if (!fields.parse(envelope) || !fields.sortTags(envelope)) {
            return false;
        }
        length = 0;
        put(Ascii.TIMESTAMP);
        putLong(fields.timestamp);
        put(Ascii.SOURCE_ID);
        if (!putString(envelope, fields.sourceId, fields.sourceIdLength)) {
            return false;
        }
        put(Ascii.INSTANCE_ID);
        if (!putString(envelope, fields.instanceId, fields.instanceIdLength)) {
            return false;
        }
        put(Ascii.TAGS);
        for (int i = 0; i < fields.tagCount; i++) {
            int at = i * 4;
            if (i > 0) {
                put((byte) ',');
            }
            if (!putString(envelope, fields.tags[at], fields.tags[at + 1])) {
                return false;
            }
            put((byte) ':');
            if (!putString(envelope, fields.tags[at + 2], fields.tags[at + 3])) {
                return false;
            }
        }
        put(Ascii.PAYLOAD);
        putBase64(envelope, fields.payload, fields.payloadLength);
        put(fields.logType == 0 ? Ascii.OUT_END : Ascii.ERR_END);
        out.writeBytes(json, 0, length);
        return true;
    }

    /** Where each field of the envelope lies in its bytes (offsets and lengths), and the scalars. */
    private static final class Fields {
        long timestamp;
        int sourceId;
        int sourceIdLength;
        int instanceId;
        int instanceIdLength;
        /** Per tag: key offset, key length, value offset, value length. */
        int[] tags = new int[4 * 8];
        int tagCount;
        int payload;
        int payloadLength;
        int logType;
        private int seen;
        private int at;

        void reset() {
            timestamp = 0;
            sourceId = 0;
            sourceIdLength = 0;
            instanceId = 0;
            instanceIdLength = 0;
            tagCount = 0;
            payload = 0;
            payloadLength = 0;
            logType = 0;
            seen = 0;
        }

        boolean parse(byte[] bytes) {
            at = 0;
            while (at < bytes.length) {
                long tag = varint(bytes, bytes.length);
                if (tag < 0) {
                    return false;
                }
                int field = (int) (tag >>> 3);
                int wire = (int) (tag & 7);
                switch (field) {
                    case 1 -> {
                        if (wire != WIRE_VARINT || !once(1)) {
                            return false;
                        }
                        long value = varintValue(bytes, bytes.length);
                        if (varintFailed) {
                            return false;
                        }
                        timestamp = value;
                    }
                    case 2, 8 -> {
                        int length = lengthOf(bytes, wire);
                        if (length < 0 || !once(field)) {
                            return false;
                        }
                        if (field == 2) {
                            sourceId = at;
                            sourceIdLength = length;
                        } else {
                            instanceId = at;
                            instanceIdLength = length;
                        }
                        at += length;
                    }
                    case 9 -> {
                        int length = lengthOf(bytes, wire);
                        if (length < 0 || !tag(bytes, at + length)) {
                            return false;
                        }
                    }
                    case 4 -> {
                        int length = lengthOf(bytes, wire);
                        if (length < 0 || !once(4) || !log(bytes, at + length)) {
                            return false;
                        }
                    }
                    case 3, 5, 6, 7, 10 -> {
                        return false; // deprecated tags, or not a log: EnvelopeJson's path
                    }
                    default -> {
                        if (!skip(bytes, wire, bytes.length)) {
                            return false;
                        }
                    }
                }
            }
            return (seen & 1 << 4) != 0;
        }

        private boolean once(int field) {
            if ((seen & 1 << field) != 0) {
                return false; // protobuf would merge or overwrite: leave that to the parser
            }
            seen |= 1 << field;
            return true;
        }

        /** A tags map entry ending at {@code end}: key 1, value 2, either may be missing (empty). */
        private boolean tag(byte[] bytes, int end) {
            int key = at;
            int keyLength = 0;
            int value = at;
            int valueLength = 0;
            int entrySeen = 0;
            while (at < end) {
                long tag = varint(bytes, end);
                if (tag < 0) {
                    return false;
                }
                int field = (int) (tag >>> 3);
                int wire = (int) (tag & 7);
                if (field == 1 || field == 2) {
                    int length = lengthOf(bytes, wire);
                    if (length < 0 || at + length > end || (entrySeen & field) != 0) {
                        return false;
                    }
                    entrySeen |= field;
                    if (field == 1) {
                        key = at;
                        keyLength = length;
                    } else {
                        value = at;
                        valueLength = length;
                    }
                    at += length;
                } else if (!skip(bytes, wire, end)) {
                    return false;
                }
            }
            if (at != end) {
                return false;
            }
            if (tagCount * 4 == tags.length) {
                tags = java.util.Arrays.copyOf(tags, tags.length * 2);
            }
            int slot = tagCount++ * 4;
            tags[slot] = key;
            tags[slot + 1] = keyLength;
            tags[slot + 2] = value;
            tags[slot + 3] = valueLength;
            return true;
        }

        /** The log message ending at {@code end}: payload 1, type 2 (OUT or ERR only). */
        private boolean log(byte[] bytes, int end) {
            payload = at;
            payloadLength = 0;
            logType = 0;
            int logSeen = 0;
            while (at < end) {
                long tag = varint(bytes, end);
                if (tag < 0) {
                    return false;
                }
                int field = (int) (tag >>> 3);
                int wire = (int) (tag & 7);
                if (field == 1) {
                    int length = lengthOf(bytes, wire);
                    if (length < 0 || at + length > end || (logSeen & 1) != 0) {
                        return false;
                    }
                    logSeen |= 1;
                    payload = at;
                    payloadLength = length;
                    at += length;
                } else if (field == 2) {
                    if (wire != WIRE_VARINT || (logSeen & 2) != 0) {
                        return false;
                    }
                    logSeen |= 2;
                    long type = varintValue(bytes, end);
                    if (varintFailed || (type != 0 && type != 1)) {
                        return false; // a type with no name: EnvelopeJson writes its number
                    }
                    logType = (int) type;
                } else if (!skip(bytes, wire, end)) {
                    return false;
                }
            }
            return at == end;
        }

        /** Tags in key order (byte order is code point order for the ASCII keys written here); false for a repeated key. */
        boolean sortTags(byte[] bytes) {
            for (int i = 1; i < tagCount; i++) {
                for (int j = i; j > 0; j--) {
                    int order = compare(bytes, tags[(j - 1) * 4], tags[(j - 1) * 4 + 1], tags[j * 4], tags[j * 4 + 1]);
                    if (order == 0) {
                        return false; // protobuf keeps the last value of a key: leave that to the parser
                    }
                    if (order < 0) {
                        break;
                    }
                    for (int k = 0; k < 4; k++) {
                        int swap = tags[(j - 1) * 4 + k];
                        tags[(j - 1) * 4 + k] = tags[j * 4 + k];
                        tags[j * 4 + k] = swap;
                    }
                }
            }
            return true;
        }

        private static int compare(byte[] bytes, int a, int aLength, int b, int bLength) {
            int n = Math.min(aLength, bLength);
            for (int i = 0; i < n; i++) {
                int x = bytes[a + i] & 0xff;
                int y = bytes[b + i] & 0xff;
                if (x != y) {
                    return Integer.compare(x, y);
                }
            }
            return Integer.compare(aLength, bLength);
        }

        private boolean varintFailed;

        /** A tag (a varint that fits 32 bits here), or -1 when malformed. */
        private long varint(byte[] bytes, int end) {
            long value = varintValue(bytes, end);
            return varintFailed || value > Integer.MAX_VALUE || value <= 0 ? -1 : value;
        }

        private long varintValue(byte[] bytes, int end) {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (at >= end) {
                    varintFailed = true;
                    return 0;
                }
                byte b = bytes[at++];
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    varintFailed = false;
                    return value;
                }
            }
            varintFailed = true;
            return 0;
        }

        /** The length of a length-delimited field (its bytes then start at {@code at}); -1 when malformed. */
        private int lengthOf(byte[] bytes, int wire) {
            if (wire != WIRE_LENGTH) {
                return -1;
            }
            long length = varintValue(bytes, bytes.length);
            return varintFailed || length < 0 || length > bytes.length - at ? -1 : (int) length;
        }

        private boolean skip(byte[] bytes, int wire, int end) {
            switch (wire) {
                case WIRE_VARINT -> {
                    varintValue(bytes, end);
                    return !varintFailed;
                }
                case WIRE_FIXED64 -> at += 8;
                case WIRE_FIXED32 -> at += 4;
                case WIRE_LENGTH -> {
                    int length = lengthOf(bytes, wire);
                    if (length < 0) {
                        return false;
                    }
                    at += length;
                }
                default -> {
                    return false; // groups: nothing a v2 envelope holds
                }
            }
            return at <= end;
        }
    }

    private void room(int more) {
        if (length + more > json.length) {
            json = java.util.Arrays.copyOf(json, Math.max(json.length * 2, length + more));
        }
    }

    private void put(byte b) {
        room(1);
        json[length++] = b;
    }

    private void put(byte[] bytes) {
        put(bytes, 0, bytes.length);
    }

    private void put(byte[] bytes, int offset, int count) {
        room(count);
        System.arraycopy(bytes, offset, json, length, count);
        length += count;
    }

    /** A JSON string of ASCII bytes, escaped as {@link GoCharacterEscapes}; false for a non-ASCII byte. */
    private boolean putString(byte[] bytes, int offset, int count) {
        room(count + 2);
        json[length++] = '"';
        int end = offset + count;
        int plain = offset;
        for (int i = offset; i < end; i++) {
            int b = bytes[i];
            if (b >= 0x20 && b != '"' && b != '\\' && b != 0x7f) {
                continue; // negative (non-ASCII) is caught below
            }
            if (b < 0) {
                return false;
            }
            put(bytes, plain, i - plain);
            plain = i + 1;
            room(6);
            json[length++] = '\\';
            switch (b) {
                case '"' -> json[length++] = '"';
                case '\\' -> json[length++] = '\\';
                case '\b' -> json[length++] = 'b';
                case '\f' -> json[length++] = 'f';
                case '\n' -> json[length++] = 'n';
                case '\r' -> json[length++] = 'r';
                case '\t' -> json[length++] = 't';
                default -> {
                    json[length++] = 'u';
                    json[length++] = '0';
                    json[length++] = '0';
                    json[length++] = HEX[b >> 4];
                    json[length++] = HEX[b & 15];
                }
            }
        }
        put(bytes, plain, end - plain);
        put((byte) '"');
        return true;
    }

    /** A quoted decimal, as protojson writes an int64. */
    private void putLong(long value) {
        room(22);
        json[length++] = '"';
        if (value == Long.MIN_VALUE) {
            put(LONG_MIN);
        } else {
            if (value < 0) {
                json[length++] = '-';
                value = -value;
            }
            int digits = 1;
            for (long rest = value / 10; rest != 0; rest /= 10) {
                digits++;
            }
            for (int i = length + digits - 1; i >= length; i--) {
                json[i] = (byte) ('0' + value % 10);
                value /= 10;
            }
            length += digits;
        }
        json[length++] = '"';
    }

    /** Standard base64 with padding, quoted, as Jackson's {@code MIME_NO_LINEFEEDS} and Go's {@code StdEncoding}. */
    private void putBase64(byte[] bytes, int offset, int count) {
        room((count + 2) / 3 * 4 + 2);
        byte[] out = json;
        int at = length;
        out[at++] = '"';
        int end = offset + count;
        int i = offset;
        for (; i + 2 < end; i += 3) {
            int n = (bytes[i] & 0xff) << 16 | (bytes[i + 1] & 0xff) << 8 | bytes[i + 2] & 0xff;
            out[at++] = BASE64[n >>> 18];
            out[at++] = BASE64[n >>> 12 & 63];
            out[at++] = BASE64[n >>> 6 & 63];
            out[at++] = BASE64[n & 63];
        }
        if (end - i == 1) {
            int n = (bytes[i] & 0xff) << 16;
            out[at++] = BASE64[n >>> 18];
            out[at++] = BASE64[n >>> 12 & 63];
            out[at++] = '=';
            out[at++] = '=';
        } else if (end - i == 2) {
            int n = (bytes[i] & 0xff) << 16 | (bytes[i + 1] & 0xff) << 8;
            out[at++] = BASE64[n >>> 18];
            out[at++] = BASE64[n >>> 12 & 63];
            out[at++] = BASE64[n >>> 6 & 63];
            out[at++] = '=';
        }
        out[at++] = '"';
        length = at;
    }

    /** The fixed parts of the object, in protojson's field order. */
    private static final class Ascii {
        static final byte[] TIMESTAMP = bytes("{\"timestamp\":");
        static final byte[] SOURCE_ID = bytes(",\"source_id\":");
        static final byte[] INSTANCE_ID = bytes(",\"instance_id\":");
        static final byte[] TAGS = bytes(",\"deprecated_tags\":{},\"tags\":{");
        static final byte[] PAYLOAD = bytes("},\"log\":{\"payload\":");
        static final byte[] OUT_END = bytes(",\"type\":\"OUT\"}}");
        static final byte[] ERR_END = bytes(",\"type\":\"ERR\"}}");

        private static byte[] bytes(String text) {
            return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }
}
