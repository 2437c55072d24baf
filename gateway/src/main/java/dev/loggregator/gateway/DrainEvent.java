package dev.loggregator.gateway;

/** Fired at every client connection when the gateway drains: idle ones close, busy ones close after their exchange. */
public final class DrainEvent {
    public static final DrainEvent INSTANCE = new DrainEvent();

    private DrainEvent() {
    }
}
