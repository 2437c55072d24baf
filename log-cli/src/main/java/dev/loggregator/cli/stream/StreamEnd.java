package dev.loggregator.cli.stream;

/**
 * How one connection of a stream ended.
 *
 * @param description what happened, for notices ("closed by the server, code 1001: shutting down")
 * @param announced   the server said beforehand that it ends the stream (the RLP gateway's
 *                    {@code event: closing} after its stream lifetime): reconnect at once
 * @param failure     the error that ended it, if any
 * @param refusal     the server's answer when it refused to start the stream (not 101 for a WebSocket, not 200 for SSE)
 */
public record StreamEnd(String description, boolean announced, Exception failure, HandshakeResponse refusal) {

    static StreamEnd failed(String description, Exception failure) {
        return new StreamEnd(description, false, failure, null);
    }
}
