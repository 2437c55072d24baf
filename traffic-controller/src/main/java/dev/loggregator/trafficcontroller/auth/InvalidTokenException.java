package dev.loggregator.trafficcontroller.auth;

/** A token that is malformed, wrongly signed, expired or rejected by UAA. */
public final class InvalidTokenException extends Exception {
    public InvalidTokenException(String message) {
        super(message);
    }

    public InvalidTokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
