package dev.loggregator.wire.routing;

import dev.loggregator.wire.MalformedEnvelopeException;

/**
 * A cursor over protobuf wire format that reads tags, varints and lengths and skips what it
 * does not need, without allocating: enough to find a few fields of an envelope. Where the wire
 * format leaves room (over-long tag and length varints, groups, nesting depth) it behaves like
 * protobuf-java's CodedInputStream, so both accept and reject the same bytes.
 */
final class ProtoScanner {
    static final int VARINT = 0;
    static final int I64 = 1;
    static final int LEN = 2;
    static final int START_GROUP = 3;
    static final int END_GROUP = 4;
    static final int I32 = 5;
    /** protobuf-java's default recursion limit: messages plus groups nested deeper are rejected. */
    static final int MAX_DEPTH = 100;

    private byte[] buffer;
    private int position;
    private int limit;
    private int depth;

    /** @param depth how deep the message at these bytes is nested: 0 for the envelope itself */
    ProtoScanner(byte[] buffer, int offset, int length, int depth) {
        reset(buffer, offset, length, depth);
    }

    /** The cursor at the start of other bytes, as new: a reader that scans message after message reuses one. */
    ProtoScanner reset(byte[] buffer, int offset, int length, int depth) {
        if (offset < 0 || length < 0 || offset > buffer.length - length) {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length + ", buffer " + buffer.length);
        }
        this.buffer = buffer;
        this.position = offset;
        this.limit = offset + length;
        this.depth = depth;
        return this;
    }

    boolean hasMore() {
        return position < limit;
    }

    int position() {
        return position;
    }

    /** Where the bytes of this message end. */
    int limit() {
        return limit;
    }

    /** Reads a tag; returns it as {@code field << 3 | wireType}. Like protobuf-java, only the low 32 bits count. */
    int readTag() {
        int tag = (int) readVarint();
        if (tag >>> 3 == 0) {
            throw new MalformedEnvelopeException("invalid field tag " + Integer.toUnsignedString(tag) + " before byte " + position);
        }
        return tag;
    }

    long readVarint() {
        // tags, lengths and most values of an envelope are single bytes
        if (position < limit && buffer[position] >= 0) {
            return buffer[position++];
        }
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (position >= limit) {
                throw new MalformedEnvelopeException("truncated varint");
            }
            byte b = buffer[position++];
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw new MalformedEnvelopeException("varint longer than 10 bytes");
    }

    /**
     * Reads a length prefix (its low 32 bits, as protobuf-java does) and checks the bytes are
     * there; the cursor stays before them.
     */
    int readLength() {
        int length = (int) readVarint();
        if (length < 0 || length > limit - position) {
            throw new MalformedEnvelopeException("length " + Integer.toUnsignedString(length) + " runs past the end of the message");
        }
        return length;
    }

    void skipBytes(int count) {
        position += count;
    }

    /** Skips the value of a field whose tag was just read. */
    void skip(int tag) {
        switch (tag & 7) {
            case VARINT -> readVarint();
            case I64 -> skipFixed(8);
            case LEN -> skipBytes(readLength());
            case START_GROUP -> skipGroup(tag >>> 3, depth + 1);
            case I32 -> skipFixed(4);
            default -> throw new MalformedEnvelopeException("unexpected wire type " + (tag & 7) + " of field " + (tag >>> 3));
        }
    }

    private void skipFixed(int count) {
        if (limit - position < count) {
            throw new MalformedEnvelopeException("truncated fixed" + count * 8);
        }
        position += count;
    }

    /** Skips the fields of a group up to its matching end tag. */
    private void skipGroup(int field, int groupDepth) {
        if (groupDepth > MAX_DEPTH) {
            throw new MalformedEnvelopeException("fields nested deeper than " + MAX_DEPTH + " levels");
        }
        while (true) {
            if (!hasMore()) {
                throw new MalformedEnvelopeException("group of field " + field + " has no end");
            }
            int tag = readTag();
            if ((tag & 7) == END_GROUP) {
                if (tag >>> 3 != field) {
                    throw new MalformedEnvelopeException("group of field " + field + " ends with field " + (tag >>> 3));
                }
                return;
            }
            if ((tag & 7) == START_GROUP) {
                skipGroup(tag >>> 3, groupDepth + 1);
            } else {
                skip(tag);
            }
        }
    }
}
