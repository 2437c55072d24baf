package dev.loggregator.doppler.drains.transport;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One drain's counts and state. Messages (RFC 5424 lines) are counted, not envelopes: a gauge
 * envelope with five metrics is five messages, as the agent counts egress. Dropped counts
 * envelopes refused by a full buffer plus messages lost with a failed connection, request or
 * formatting; {@link #takeUnannounced} hands the drops not yet told to the app's developer.
 */
public final class DrainStats {
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong unannounced = new AtomicLong();
    private volatile DrainState state = DrainState.IDLE;
    private volatile String lastError;
    private volatile long lastErrorMillis;

    public void sent(long messages) {
        sent.addAndGet(messages);
    }

    public void dropped(long count) {
        dropped.addAndGet(count);
        unannounced.addAndGet(count);
    }

    /** A failed connection attempt, lost connection, refused or failed request. */
    public void error(String description) {
        errors.incrementAndGet();
        lastError = description;
        lastErrorMillis = System.currentTimeMillis();
    }

    void state(DrainState state) {
        this.state = state;
    }

    public long takeUnannounced() {
        return unannounced.getAndSet(0);
    }

    public long sent() {
        return sent.get();
    }

    public long dropped() {
        return dropped.get();
    }

    public long errors() {
        return errors.get();
    }

    public DrainState state() {
        return state;
    }

    public boolean connected() {
        return state == DrainState.CONNECTED;
    }

    public String lastError() {
        return lastError;
    }

    /** When the last error happened (epoch milliseconds), 0 when never. */
    public long lastErrorMillis() {
        return lastErrorMillis;
    }
}
