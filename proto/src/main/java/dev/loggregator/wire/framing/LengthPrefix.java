package dev.loggregator.wire.framing;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The v1 stream framing of TCP/TLS ingress (and of internal batches): a 4-byte little-endian
 * unsigned length, then that many bytes of one marshalled envelope.
 */
public final class LengthPrefix {
    public static final int PREFIX_BYTES = 4;

    private LengthPrefix() {
    }

    public static byte[] frame(byte[] envelope) {
        byte[] framed = new byte[PREFIX_BYTES + envelope.length];
        putLength(framed, 0, envelope.length);
        System.arraycopy(envelope, 0, framed, PREFIX_BYTES, envelope.length);
        return framed;
    }

    public static void write(OutputStream out, byte[] envelope) throws IOException {
        byte[] prefix = new byte[PREFIX_BYTES];
        putLength(prefix, 0, envelope.length);
        out.write(prefix);
        out.write(envelope);
    }

    /**
     * Reads one frame. Returns null at a clean end of stream (before a prefix); throws
     * {@link EOFException} when the stream ends inside a frame and {@link FrameTooLargeException}
     * before allocating anything for a length above {@code maxEnvelopeBytes}.
     */
    public static byte[] read(InputStream in, int maxEnvelopeBytes) throws IOException {
        byte[] prefix = new byte[PREFIX_BYTES];
        int first = in.readNBytes(prefix, 0, PREFIX_BYTES);
        if (first == 0) {
            return null;
        }
        if (first < PREFIX_BYTES) {
            throw new EOFException("stream ended inside a length prefix");
        }
        long length = getLength(prefix, 0);
        if (length > maxEnvelopeBytes) {
            throw new FrameTooLargeException(length, maxEnvelopeBytes);
        }
        byte[] envelope = in.readNBytes((int) length);
        if (envelope.length < length) {
            throw new EOFException("stream ended after " + envelope.length + " of " + length + " bytes of a frame");
        }
        return envelope;
    }

    static void putLength(byte[] buffer, int offset, int length) {
        buffer[offset] = (byte) length;
        buffer[offset + 1] = (byte) (length >>> 8);
        buffer[offset + 2] = (byte) (length >>> 16);
        buffer[offset + 3] = (byte) (length >>> 24);
    }

    /** The unsigned little-endian length at {@code offset}. */
    static long getLength(byte[] buffer, int offset) {
        return (buffer[offset] & 0xFFL)
                | (buffer[offset + 1] & 0xFFL) << 8
                | (buffer[offset + 2] & 0xFFL) << 16
                | (buffer[offset + 3] & 0xFFL) << 24;
    }
}
