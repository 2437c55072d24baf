package dev.loggregator.e2e.client;

import java.net.URI;

/** The server answered a WebSocket upgrade with an HTTP status (401, 404, ...) instead of 101. */
public final class HandshakeRejectedException extends RuntimeException {
    private final int status;

    public HandshakeRejectedException(URI uri, int status, String body) {
        super(uri + " answered " + status + (body == null || body.isEmpty() ? "" : ": " + body));
        this.status = status;
    }

    public int status() {
        return status;
    }
}
