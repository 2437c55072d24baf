package dev.loggregator.doppler.ratelimit;

import io.github.bucket4j.TimeMeter;

/**
 * The buckets' clock: the time the router read for the envelope at hand, so that checking a limit reads
 * no clock of its own, and tests move time by hand. Router thread only.
 */
final class RouterClock implements TimeMeter {
    private long nanos;

    void set(long nanos) {
        this.nanos = nanos;
    }

    @Override
    public long currentTimeNanos() {
        return nanos;
    }

    @Override
    public boolean isWallClockBased() {
        return false;
    }
}
