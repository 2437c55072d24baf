package dev.loggregator.wire;

/** Bytes that are not a valid dropsonde v1 envelope: truncated, mis-typed or missing a required field. */
public class MalformedEnvelopeException extends RuntimeException {
    public MalformedEnvelopeException(String message) {
        super(message);
    }
}
