package dev.loggregator.trafficcontroller.promql;

/**
 * The range-vector functions over one window (Prometheus {@code promql/functions.go}): rate, increase
 * and delta with Prometheus's extrapolation, irate and idelta from the last two samples, and the
 * {@code *_over_time} aggregations. A NaN result means no sample for the step.
 */
final class RangeFunctions {
    /** Marks "no output at this step" (a real NaN result is returned as {@link Double#NaN}). */
    static final double NONE = Double.longBitsToDouble(0x7ff8dead0000beefL);

    private RangeFunctions() {
    }

    static boolean isNone(double value) {
        return Double.doubleToRawLongBits(value) == Double.doubleToRawLongBits(NONE);
    }

    /** The function's value at step time {@code t} for a window of {@code n >= 1} samples. */
    static double apply(Function function, RangeWindows w, int n, long t, long range, long offset) {
        return switch (function) {
            case RATE -> extrapolatedRate(w, n, t, range, offset, true, true);
            case INCREASE -> extrapolatedRate(w, n, t, range, offset, true, false);
            case DELTA -> extrapolatedRate(w, n, t, range, offset, false, false);
            case IRATE -> instantValue(w, n, true);
            case IDELTA -> instantValue(w, n, false);
            case AVG_OVER_TIME -> {
                double mean = 0;
                for (int i = 0; i < n; i++) {
                    mean += (w.value(i) - mean) / (i + 1);
                }
                yield mean;
            }
            case COUNT_OVER_TIME -> n;
            case SUM_OVER_TIME -> {
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += w.value(i);
                }
                yield sum;
            }
            case MAX_OVER_TIME -> {
                double max = w.value(0);
                for (int i = 0; i < n; i++) {
                    if (w.value(i) > max || Double.isNaN(max)) {
                        max = w.value(i);
                    }
                }
                yield max;
            }
            case MIN_OVER_TIME -> {
                double min = w.value(0);
                for (int i = 0; i < n; i++) {
                    if (w.value(i) < min || Double.isNaN(min)) {
                        min = w.value(i);
                    }
                }
                yield min;
            }
            case LAST_OVER_TIME -> w.value(n - 1);
            default -> throw new IllegalArgumentException(function + " does not take a range vector");
        };
    }

    /**
     * rate, increase and delta: the change over the window (counter resets corrected for counters),
     * extrapolated to the window's edges where the first and last samples lie within 1.1 average
     * intervals of them (else by half an interval), never to below zero for a counter; per second for rate.
     */
    private static double extrapolatedRate(RangeWindows w, int n, long t, long range, long offset, boolean counter,
                                           boolean perSecond) {
        if (n < 2) {
            return NONE;
        }
        long rangeStart = t - (range + offset);
        long rangeEnd = t - offset;
        double correction = 0;
        double last = 0;
        for (int i = 0; i < n; i++) {
            double v = w.value(i);
            if (counter && v < last) {
                correction += last;
            }
            last = v;
        }
        double firstValue = w.value(0);
        double result = last - firstValue + correction;
        double durationToStart = (w.time(0) - rangeStart) / 1000.0;
        double durationToEnd = (rangeEnd - w.time(n - 1)) / 1000.0;
        double sampled = (w.time(n - 1) - w.time(0)) / 1000.0;
        double averageInterval = sampled / (n - 1);
        if (counter && result > 0 && firstValue >= 0) {
            double durationToZero = sampled * (firstValue / result);
            if (durationToZero < durationToStart) {
                durationToStart = durationToZero;
            }
        }
        double threshold = averageInterval * 1.1;
        double extrapolateTo = sampled;
        extrapolateTo += durationToStart < threshold ? durationToStart : averageInterval / 2;
        extrapolateTo += durationToEnd < threshold ? durationToEnd : averageInterval / 2;
        result = result * (extrapolateTo / sampled);
        return perSecond ? result / (range / 1000.0) : result;
    }

    /** irate and idelta: the last two samples (a drop is a counter reset for irate). */
    private static double instantValue(RangeWindows w, int n, boolean perSecond) {
        if (n < 2) {
            return NONE;
        }
        double last = w.value(n - 1);
        double previous = w.value(n - 2);
        double result = perSecond && last < previous ? last : last - previous;
        long interval = w.time(n - 1) - w.time(n - 2);
        if (interval == 0) {
            return NONE;
        }
        return perSecond ? result / (interval / 1000.0) : result;
    }
}
