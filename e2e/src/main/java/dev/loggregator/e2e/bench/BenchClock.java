package dev.loggregator.e2e.bench;

/**
 * Wall-clock nanoseconds derived from {@link System#nanoTime()}: monotonic and precise, so
 * the generator's timestamps and the consumer's arrival times (same JVM) give one-way latency.
 */
final class BenchClock {
    private static final long EPOCH_BASE = System.currentTimeMillis() * 1_000_000L;
    private static final long NANO_BASE = System.nanoTime();

    private BenchClock() {
    }

    static long now() {
        return EPOCH_BASE + (System.nanoTime() - NANO_BASE);
    }
}
