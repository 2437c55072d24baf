package dev.loggregator.gateway;

/**
 * Fired at every client connection still open when a draining gateway's deadline passes: WebSocket
 * tunnels start their close handshake (1001), everything else closes.
 */
public final class DrainDeadlineEvent {
    public static final DrainDeadlineEvent INSTANCE = new DrainDeadlineEvent();

    private DrainDeadlineEvent() {
    }
}
