package dev.loggregator.doppler.bench;

import java.util.Arrays;

/** Latency samples in nanoseconds, recorded once {@link #start()} is called (after warm-up). */
final class LatencyRecorder {
    private long[] samples = new long[1 << 20];
    private int count;
    private volatile boolean recording;

    void start() {
        recording = true;
    }

    void stop() {
        recording = false;
    }

    synchronized void record(long nanos) {
        if (!recording) {
            return;
        }
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, count * 2);
        }
        samples[count++] = nanos;
    }

    synchronized String summary() {
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        return String.format("samples %,d  p50 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms",
                count, ms(sorted, 0.50), ms(sorted, 0.99), ms(sorted, 0.999), count == 0 ? 0 : sorted[count - 1] / 1e6);
    }

    private static double ms(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] / 1e6;
    }
}
