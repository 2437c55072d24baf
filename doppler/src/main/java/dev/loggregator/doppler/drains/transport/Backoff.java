package dev.loggregator.doppler.drains.transport;

/**
 * The agent's retry schedule ({@code retry_writer.go} {@code ExponentialDuration}): 1 ms, then 1, 2,
 * 4, 8 ms ... doubling per attempt, capped (15 s by default). Loop-confined.
 */
final class Backoff {
    private final long maxMillis;
    private int attempt;

    Backoff(long maxMillis) {
        this.maxMillis = maxMillis;
    }

    /** The wait before the next attempt, counting this one. */
    long nextMillis() {
        long millis = delayMillis(attempt, maxMillis);
        attempt++;
        return millis;
    }

    int attempts() {
        return attempt;
    }

    void reset() {
        attempt = 0;
    }

    static long delayMillis(int attempt, long maxMillis) {
        if (attempt == 0) {
            return 1;
        }
        if (attempt > 40) {
            return maxMillis;
        }
        return Math.min(maxMillis, 1L << (attempt - 1));
    }
}
