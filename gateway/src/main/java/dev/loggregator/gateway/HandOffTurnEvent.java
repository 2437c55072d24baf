package dev.loggregator.gateway;

/**
 * Fired at a client connection of a gateway that handed its listening sockets to a new process,
 * when that connection's turn to move has come ({@link GradualHandOff}): a WebSocket tunnel starts
 * its close handshake (1001) as at the drain deadline, a TCP tunnel and an event stream (a
 * {@code text/event-stream} response, such as {@code /v2/read}) close; a plain request in flight
 * finishes first, as in any drain.
 */
public final class HandOffTurnEvent {
    public static final HandOffTurnEvent INSTANCE = new HandOffTurnEvent();

    private HandOffTurnEvent() {
    }
}
