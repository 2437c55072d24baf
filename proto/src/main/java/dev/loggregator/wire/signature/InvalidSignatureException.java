package dev.loggregator.wire.signature;

/** A UDP datagram without a valid HMAC-SHA256 signature. */
public final class InvalidSignatureException extends RuntimeException {
    public InvalidSignatureException(String message) {
        super(message);
    }
}
