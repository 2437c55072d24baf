package dev.loggregator.doppler.drains.format;

import com.google.protobuf.ByteString;
import java.util.Arrays;

/**
 * A growable byte array one syslog message is written into, reused message after message on
 * the thread that formats (an event loop), so formatting allocates no buffer per message.
 */
public final class MessageBuffer {
    private static final byte[] DIGITS = "0123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private byte[] bytes = new byte[512];
    private int length;

    public byte[] array() {
        return bytes;
    }

    public int length() {
        return length;
    }

    void reset() {
        length = 0;
    }

    void setLength(int newLength) {
        length = newLength;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }

    void write(byte b) {
        ensure(1);
        bytes[length++] = b;
    }

    void write(byte[] source) {
        write(source, 0, source.length);
    }

    void write(byte[] source, int offset, int count) {
        ensure(count);
        System.arraycopy(source, offset, bytes, length, count);
        length += count;
    }

    /** Text known to be ASCII (header fields already checked, SD names, digits). */
    void ascii(String text) {
        ensure(text.length());
        for (int i = 0; i < text.length(); i++) {
            bytes[length++] = (byte) text.charAt(i);
        }
    }

    void number(long value) {
        if (value < 0) {
            ascii(Long.toString(value));
            return;
        }
        digits(value, 1);
    }

    /** {@code value} in decimal, zero-padded to {@code width} digits. */
    void digits(long value, int width) {
        int n = 1;
        for (long v = value / 10; v > 0; v /= 10) {
            n++;
        }
        int size = Math.max(n, width);
        ensure(size);
        for (int i = size - 1; i >= 0; i--) {
            bytes[length + i] = DIGITS[(int) (value % 10)];
            value /= 10;
        }
        length += size;
    }

    /** An SD-PARAM value as UTF-8 with {@code \}, {@code "} and {@code ]} escaped (go-loggregator {@code escapeSDParam}). */
    void sdValue(String value) {
        ensure(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                if (c == '\\' || c == '"' || c == ']') {
                    write((byte) '\\');
                }
                write((byte) c);
            } else {
                int codePoint = value.codePointAt(i);
                if (Character.isSupplementaryCodePoint(codePoint)) {
                    i++;
                }
                utf8(codePoint);
            }
        }
    }

    /** {@link #sdValue(String)} of a value given as its UTF-8 bytes: the same bytes out, escapes added. */
    void sdValue(byte[] source, int offset, int count) {
        ensure(2 * count); // room for every byte escaped: no check per byte
        byte[] out = bytes;
        int at = length;
        int end = offset + count;
        for (int i = offset; i < end; i++) {
            byte b = source[i];
            if (b == '\\' || b == '"' || b == ']') {
                out[at++] = '\\';
            }
            out[at++] = b;
        }
        length = at;
    }

    private void utf8(int codePoint) {
        if (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE) {
            codePoint = 0xFFFD; // a lone surrogate: what Go writes for invalid text
        }
        ensure(4);
        if (codePoint < 0x800) {
            bytes[length++] = (byte) (0xC0 | (codePoint >> 6));
            bytes[length++] = (byte) (0x80 | (codePoint & 0x3F));
        } else if (codePoint < 0x10000) {
            bytes[length++] = (byte) (0xE0 | (codePoint >> 12));
            bytes[length++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
            bytes[length++] = (byte) (0x80 | (codePoint & 0x3F));
        } else {
            bytes[length++] = (byte) (0xF0 | (codePoint >> 18));
            bytes[length++] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
            bytes[length++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
            bytes[length++] = (byte) (0x80 | (codePoint & 0x3F));
        }
    }

    /** A log payload with NUL bytes removed and a newline appended when it does not end in one. */
    void payload(ByteString payload) {
        int size = payload.size();
        ensure(size + 1);
        payload.copyTo(bytes, 0, length, size);
        keepPayload(size);
    }

    /** {@link #payload(ByteString)} of {@code count} bytes of {@code source}. */
    void payload(byte[] source, int offset, int count) {
        ensure(count + 1);
        System.arraycopy(source, offset, bytes, length, count);
        keepPayload(count);
    }

    /** Drops the NULs of the {@code size} payload bytes just copied after {@link #length} and ends them in a newline. */
    private void keepPayload(int size) {
        int start = length;
        int end = start + size;
        int kept = start;
        for (int i = start; i < end; i++) {
            byte b = bytes[i];
            if (b != 0) {
                bytes[kept++] = b;
            }
        }
        length = kept;
        if (length == start || bytes[length - 1] != '\n') {
            bytes[length++] = '\n';
        }
    }
}
