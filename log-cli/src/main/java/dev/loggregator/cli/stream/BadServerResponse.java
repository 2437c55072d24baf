package dev.loggregator.cli.stream;

import java.io.IOException;

/** The server answered, but not in the protocol asked for (e.g. no {@code text/event-stream}). */
final class BadServerResponse extends IOException {
    private static final long serialVersionUID = 1L;

    BadServerResponse(String message) {
        super(message);
    }
}
