package dev.loggregator.cli.http;

/** A body that does not follow the multipart syntax of RFC 2046. */
public final class MalformedMultipartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedMultipartException(String message) {
        super(message);
    }
}
