package dev.loggregator.wire.routing;

import dev.loggregator.wire.MalformedEnvelopeException;

/**
 * A cursor over protobuf wire format that reads tags, varints and lengths and skips what it
 * does not need, without allocating: enough to find a few fields of an envelope.
 */
final class ProtoScanner {
    static final int VARINT = 0;
    static final int I64 = 1;
    static final int LEN = 2;
    static final int I32 = 5;

    private final byte[] buffer;
    private int position;
    private final int limit;

    ProtoScanner(byte[] buffer, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > buffer.length) {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length + ", buffer " + buffer.length);
        }
        this.buffer = buffer;
        this.position = offset;
        this.limit = offset + length;
    }

    boolean hasMore() {
        return position < limit;
    }

    int position() {
        return position;
    }

    /** Reads a tag; returns it as {@code field << 3 | wireType}. */
    int readTag() {
        long tag = readVarint();
        if (tag >>> 3 == 0 || tag > Integer.MAX_VALUE) {
            throw new MalformedEnvelopeException("invalid field tag " + tag + " at byte " + position);
        }
        return (int) tag;
    }

    long readVarint() {
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

    /** Reads a length prefix and checks the bytes are there; the cursor stays before them. */
    int readLength() {
        long length = readVarint();
        if (length < 0 || length > limit - position) {
            throw new MalformedEnvelopeException("length " + length + " runs past the end of the envelope");
        }
        return (int) length;
    }

    void skipBytes(int count) {
        position += count;
    }

    void skip(int wireType) {
        switch (wireType) {
            case VARINT -> readVarint();
            case I64 -> {
                if (limit - position < 8) {
                    throw new MalformedEnvelopeException("truncated fixed64");
                }
                position += 8;
            }
            case LEN -> skipBytes(readLength());
            case I32 -> {
                if (limit - position < 4) {
                    throw new MalformedEnvelopeException("truncated fixed32");
                }
                position += 4;
            }
            default -> throw new MalformedEnvelopeException("unsupported wire type " + wireType);
        }
    }

    byte[] buffer() {
        return buffer;
    }
}
