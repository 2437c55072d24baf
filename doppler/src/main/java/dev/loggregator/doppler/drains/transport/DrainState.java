package dev.loggregator.doppler.drains.transport;

/** Where a drain's connection stands, as operators see it ({@code logs drains}, the Doppler's {@code /drains}). */
public enum DrainState {
    /** No connection, nothing to send: drains connect when the first envelope for them arrives. */
    IDLE("idle"),
    CONNECTING("connecting"),
    CONNECTED("connected"),
    /** Waiting before the next connection attempt or retry. */
    BACKING_OFF("backing off"),
    CLOSED("closed");

    private final String label;

    DrainState(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
