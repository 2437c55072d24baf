package dev.loggregator.e2e.bench;

/**
 * Undoes HTTP/1.1 chunked transfer coding (RFC 9112 §7.1) as bytes arrive in arbitrary pieces, handing
 * each chunk's data on as soon as it is read, so a stream of Server-Sent Events is seen without waiting
 * for whole chunks.
 */
final class ChunkedBody {
    /** Where the data goes: the same array it came in, with the range of chunk data. */
    @FunctionalInterface
    interface Sink {
        void data(byte[] bytes, int offset, int length);
    }

    private enum State { SIZE, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER, DONE }

    private final Sink sink;
    private State state = State.SIZE;
    private long size;
    private int sizeDigits;
    private long remaining;
    private int trailerLineLength;

    ChunkedBody(Sink sink) {
        this.sink = sink;
    }

    /** Decodes the next bytes of the body. */
    void feed(byte[] bytes, int offset, int length) {
        int at = offset;
        int end = offset + length;
        while (at < end && state != State.DONE) {
            if (state == State.DATA) {
                int n = (int) Math.min(remaining, end - at);
                sink.data(bytes, at, n);
                at += n;
                remaining -= n;
                if (remaining == 0) {
                    state = State.DATA_CR;
                }
                continue;
            }
            byte b = bytes[at++];
            switch (state) {
                case SIZE -> {
                    int digit = Character.digit(b, 16);
                    if (digit >= 0 && sizeDigits < 15) {
                        size = size * 16 + digit;
                        sizeDigits++;
                    } else if (sizeDigits > 0 && (b == ';' || b == ' ' || b == '\t')) {
                        state = State.EXTENSION;
                    } else if (sizeDigits > 0 && b == '\r') {
                        state = State.SIZE_LF;
                    } else {
                        throw new IllegalStateException("bad chunk size byte 0x" + Integer.toHexString(b & 0xff));
                    }
                }
                case EXTENSION -> {
                    if (b == '\r') {
                        state = State.SIZE_LF;
                    }
                }
                case SIZE_LF -> {
                    expect(b, '\n');
                    remaining = size;
                    state = size == 0 ? State.TRAILER : State.DATA;
                    size = 0;
                    sizeDigits = 0;
                }
                case DATA_CR -> {
                    expect(b, '\r');
                    state = State.DATA_LF;
                }
                case DATA_LF -> {
                    expect(b, '\n');
                    state = State.SIZE;
                }
                case TRAILER -> {
                    // Trailer fields, if any, then the empty line that ends the body.
                    if (b == '\n') {
                        if (trailerLineLength == 0) {
                            state = State.DONE;
                        }
                        trailerLineLength = 0;
                    } else if (b != '\r') {
                        trailerLineLength++;
                    }
                }
                default -> throw new IllegalStateException("unreachable: " + state);
            }
        }
    }

    /** Whether the last (empty) chunk and the trailer section have come: the server ended the response. */
    boolean done() {
        return state == State.DONE;
    }

    private static void expect(byte actual, char expected) {
        if (actual != expected) {
            throw new IllegalStateException("expected 0x" + Integer.toHexString(expected) + " in chunk framing, got 0x"
                    + Integer.toHexString(actual & 0xff));
        }
    }
}
