package dev.loggregator.trafficcontroller.promql;

import java.util.Arrays;

/**
 * The samples a range selector {@code [range] offset o} holds at each step of an evaluation, as
 * Prometheus 2's engine (the one Log Cache runs) collects them: at step t the samples with timestamps
 * in [t - o - range, t - o), plus the first one at exactly t - o; staleness markers left out. From the
 * second step on, samples kept from the step before are reused and only later ones added, so of
 * several samples sharing the timestamp of an earlier step's end only the first is ever seen.
 */
final class RangeWindows {
    private final RawSeries series;
    private int[] window = new int[16];
    private int first;
    private int size;
    private int next;

    RangeWindows(RawSeries series) {
        this.series = series;
    }

    /** Moves to the window ending at {@code maxT}; returns the number of samples in it. */
    int advance(long maxT, long range) {
        long minT = maxT - range;
        long[] t = series.timestamps();
        long from;
        if (size > 0 && t[window[first + size - 1]] >= minT) {
            while (t[window[first]] < minT) {
                first++;
                size--;
            }
            from = t[window[first + size - 1]] + 1;
        } else {
            first = 0;
            size = 0;
            from = minT;
        }
        if (next < t.length && t[next] < from) {
            next = lowerBound(t, from, next);
        } else if (next > 0 && t[next - 1] >= from) {
            next = lowerBound(t, from, 0);
        }
        while (next < t.length && t[next] < maxT) {
            if (!RawSeries.isStale(series.values()[next])) {
                push(next);
            }
            next++;
        }
        if (next < t.length && t[next] == maxT && !RawSeries.isStale(series.values()[next])) {
            push(next);
        }
        return size;
    }

    long time(int i) {
        return series.timestamps()[window[first + i]];
    }

    double value(int i) {
        return series.values()[window[first + i]];
    }

    private void push(int index) {
        if (first + size == window.length) {
            if (first > 0) {
                System.arraycopy(window, first, window, 0, size);
                first = 0;
            }
            if (size == window.length) {
                window = Arrays.copyOf(window, size * 2);
            }
        }
        window[first + size++] = index;
    }

    private static int lowerBound(long[] t, long value, int from) {
        int lo = from;
        int hi = t.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (t[mid] < value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
