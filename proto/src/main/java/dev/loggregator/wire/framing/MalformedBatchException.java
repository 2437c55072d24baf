package dev.loggregator.wire.framing;

/** An internal batch whose length-prefixed records do not add up to the batch length. */
public final class MalformedBatchException extends RuntimeException {
    public MalformedBatchException(String message) {
        super(message);
    }
}
