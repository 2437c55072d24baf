package dev.loggregator.wire.v2.json;

import dev.loggregator.wire.routing.V2LogScan;
import io.netty.buffer.ByteBuf;

/**
 * The protojson of a marshalled v2 log envelope with preferred tags, written straight from its
 * protobuf bytes: the same bytes {@link EnvelopeJson#encode} writes for the parsed envelope, without
 * parsing it into objects first (a Log Cache read turns up to 1,000 stored envelopes into JSON each
 * time). It handles what {@link V2LogScan} reads (a plain log: no {@code deprecated_tags}, which
 * preferred tags would move) whose strings (source id, instance id, tags) are ASCII and whose type is
 * OUT or ERR. For anything else it writes nothing and answers false, and the caller parses the
 * envelope and uses {@link EnvelopeJson}. One writer serves a whole batch (its scan and scratch space
 * are reused from one envelope to the next); not thread-safe.
 */
public final class WireEnvelopeJson {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] LONG_MIN = Long.toString(Long.MIN_VALUE).getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final V2LogScan scan = new V2LogScan();
    /** The object is built here and handed to the buffer in one write (a ByteBuf checks every single write). */
    private byte[] json = new byte[1024];
    private int length;

    /**
     * Appends the envelope's JSON object to {@code out}; false (nothing written) when the envelope is
     * not one this writer handles or its bytes are not a well-formed envelope.
     */
    public boolean write(byte[] envelope, ByteBuf out) {
        V2LogScan log = scan;
        if (!log.scan(envelope, 0, envelope.length) || log.logType() > 1) {
            return false; // not a plain log, or a log type with no name (EnvelopeJson writes its number)
        }
        length = 0;
        put(Ascii.TIMESTAMP);
        putLong(log.timestamp());
        put(Ascii.SOURCE_ID);
        if (!putString(envelope, log.sourceIdOffset(), log.sourceIdLength())) {
            return false;
        }
        put(Ascii.INSTANCE_ID);
        if (!putString(envelope, log.instanceIdOffset(), log.instanceIdLength())) {
            return false;
        }
        put(Ascii.TAGS);
        int[] order = log.keyOrder();
        for (int i = 0; i < log.tagCount(); i++) {
            int tag = order[i];
            if (i > 0) {
                put((byte) ',');
            }
            if (!putString(envelope, log.tagKeyOffset(tag), log.tagKeyLength(tag))) {
                return false;
            }
            put((byte) ':');
            if (!putString(envelope, log.tagValueOffset(tag), log.tagValueLength(tag))) {
                return false;
            }
        }
        put(Ascii.PAYLOAD);
        putBase64(envelope, log.payloadOffset(), log.payloadLength());
        put(log.logType() == 0 ? Ascii.OUT_END : Ascii.ERR_END);
        out.writeBytes(json, 0, length);
        return true;
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
