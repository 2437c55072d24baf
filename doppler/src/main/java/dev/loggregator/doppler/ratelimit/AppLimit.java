package dev.loggregator.doppler.ratelimit;

import dev.loggregator.manifest.DopplerSection;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.BucketListener;
import io.github.bucket4j.MathType;
import io.github.bucket4j.local.ThreadUnsafeBucket;
import java.time.Duration;

/**
 * One limit in bytes per second (the default, or an app's own), with the one bucket configuration all
 * its instances share: capacity and refill both the limit, refilled continuously, as the executor's
 * {@code rate.NewLimiter(limit, limit)}.
 */
final class AppLimit {
    private final long bytesPerSecond;
    private final BucketConfiguration bucket;

    AppLimit(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        this.bucket = bytesPerSecond > 0
                ? BucketConfiguration.builder()
                        .addLimit(limit -> limit.capacity(bytesPerSecond).refillGreedy(bytesPerSecond, Duration.ofSeconds(1)))
                        .build()
                : null;
    }

    long bytesPerSecond() {
        return bytesPerSecond;
    }

    boolean unlimited() {
        return bytesPerSecond == DopplerSection.LogRateLimit.UNLIMITED;
    }

    /**
     * A full bucket for a new instance. Thread-unsafe on purpose: only the router thread touches it, and
     * that form consumes without allocating (the lock-free one copies its state on every attempt).
     */
    ThreadUnsafeBucket newBucket(RouterClock clock) {
        return new ThreadUnsafeBucket(bucket, MathType.INTEGER_64_BITS, clock, BucketListener.NOPE);
    }
}
