package dev.loggregator.fairness;

import java.util.HashMap;
import java.util.Map;

/**
 * Who to shed when a queue is under pressure: the apps sending most. While pressure lasts, counts what
 * each app offered in short windows; an app that has offered more than {@code factor} times the
 * average of the other apps seen in the window is refused, so a quiet app loses nothing while a noisy
 * one is held near the others' pace (with two apps as with a hundred). An app alone in a window is
 * judged against the apps of the window before (so the first app of a window, often the noisy one,
 * cannot fill the last room before the others are seen); an app alone in both is never refused here:
 * the queue's own bound is its limit. Without pressure it costs nothing and counts nothing.
 * Shared by the Doppler (its router and each subscriber's queue) and the Traffic Controller (each
 * client's queue). One thread at a time (the Doppler's router thread; a client queue's lock).
 */
public final class FairShare {
    private static final long WINDOW_NANOS = 100_000_000L;
    /** Offers every app may make in a window whatever the average, so a few envelopes never count as noise. */
    private static final long SLACK = 16;

    private final double factor;
    private final int maxApps;
    private final Map<String, long[]> offered = new HashMap<>();
    private long total;
    private long windowStart;
    /** The average offers per app of the last window with more than one app, while pressure lasted; 0: none. */
    private double previousAverage;

    /** {@code maxApps} bounds the apps counted per window; beyond it new apps are admitted uncounted. */
    public FairShare(double factor, int maxApps) {
        this.factor = factor;
        this.maxApps = maxApps;
    }

    /** Whether {@code app}'s envelope may go in; {@code pressure} says whether the queue is filling up. */
    public boolean admit(String app, boolean pressure, long nowNanos) {
        return admit(app, pressure, false, nowNanos);
    }

    /**
     * As {@link #admit(String, boolean, long)}; {@code nearlyFull} makes the rule strict (no slack, no
     * more than the others' average), so the last room of the queue is kept for the apps sending least.
     */
    public boolean admit(String app, boolean pressure, boolean nearlyFull, long nowNanos) {
        if (!pressure) {
            if (total > 0 && nowNanos - windowStart > WINDOW_NANOS) {
                reset(nowNanos);
            }
            return true;
        }
        if (nowNanos - windowStart > WINDOW_NANOS) {
            reset(nowNanos);
        }
        long[] count = offered.get(app);
        if (count == null) {
            if (offered.size() >= maxApps) {
                return true;
            }
            count = new long[1];
            offered.put(app, count);
        }
        count[0]++;
        total++;
        int others = offered.size() - 1;
        double othersAverage;
        if (others > 0) {
            othersAverage = (double) (total - count[0]) / others;
        } else if (previousAverage > 0) {
            othersAverage = previousAverage;
        } else {
            return true;
        }
        return nearlyFull ? count[0] <= Math.max(1, othersAverage)
                : count[0] <= SLACK || count[0] <= factor * othersAverage;
    }

    /** True when nothing is being counted (no pressure lately): callers may skip reading the clock. */
    public boolean idle() {
        return total == 0;
    }

    private void reset(long nowNanos) {
        // A window of one app (or none) says nothing of the others; one without pressure ends the carry-over.
        previousAverage = offered.size() > 1 && nowNanos - windowStart <= 2 * WINDOW_NANOS
                ? (double) total / offered.size() : 0;
        offered.clear();
        total = 0;
        windowStart = nowNanos;
    }
}
