package dev.loggregator.e2e.client;

/** A stream could not be opened for another reason than an HTTP answer (refused, reset, timed out). */
public final class StreamFailedException extends RuntimeException {
    public StreamFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
