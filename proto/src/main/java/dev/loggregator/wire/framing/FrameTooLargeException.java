package dev.loggregator.wire.framing;

import java.io.IOException;

/** A length prefix announcing more bytes than the configured maximum envelope size. */
public final class FrameTooLargeException extends IOException {
    public FrameTooLargeException(long length, int max) {
        super("frame of " + length + " bytes exceeds the maximum of " + max + " bytes");
    }
}
