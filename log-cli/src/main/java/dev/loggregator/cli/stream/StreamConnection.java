package dev.loggregator.cli.stream;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One attempt at a stream, whatever carries it (a v1 WebSocket, the v2 read API's Server-Sent
 * Events): dialled, open while data flows, then ended. {@link ReconnectingStream} makes a new one
 * for every (re)connection.
 */
public interface StreamConnection {
    /** Starts connecting. A failure may be thrown here or, later, reported through {@link #closed()}. */
    void dial() throws IOException;

    /** True once the stream flows; false when the attempt ended first ({@link #closed()} is complete by then). */
    CompletableFuture<Boolean> opened();

    /** Completes once, when the connection has ended, saying how. */
    CompletableFuture<StreamEnd> closed();

    /** Ends the stream from our side, normally (a WebSocket closes with 1000). */
    void close();

    /** Gives up on an attempt that has not opened in time. */
    void abort(String reason);

    /** Ends the stream as cleanly as its protocol allows, waiting at most {@code grace} for the server's part. */
    void finish(Duration grace);
}
