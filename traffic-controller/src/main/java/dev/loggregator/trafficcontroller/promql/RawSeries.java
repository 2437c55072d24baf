package dev.loggregator.trafficcontroller.promql;

/** A stored series as a selector sees it: labels and samples, timestamps (milliseconds) in order. */
public record RawSeries(Labels labels, long[] timestamps, double[] values) {
    /** Prometheus's staleness marker: a NaN with this bit pattern ends a series (value.StaleNaN). */
    public static final long STALE_NAN_BITS = 0x7ff0000000000002L;

    public int size() {
        return timestamps.length;
    }

    public static boolean isStale(double value) {
        return Double.doubleToRawLongBits(value) == STALE_NAN_BITS;
    }
}
