package dev.loggregator.wire.ingress;

/** The Doppler's ingress stream broke or stalled; what was being sent may be lost. */
public final class IngressUnavailableException extends RuntimeException {
    public IngressUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
