package dev.loggregator.e2e.faults;

import java.util.Arrays;

/**
 * What the traffic generator had accepted: for each app, envelope number n was accepted by Doppler
 * {@link #acceptedBy} at {@link #acceptedAt} ({@code System.nanoTime()}), or not yet (a batch refused by
 * every Doppler is offered again). Numbers of an app are accepted in order.
 */
final class Ledger {
    private final String[] apps;
    private final long[][] acceptedAt;
    private final byte[][] acceptedBy;
    private final int[] accepted;

    Ledger(String[] apps) {
        this.apps = apps.clone();
        acceptedAt = new long[apps.length][1024];
        acceptedBy = new byte[apps.length][1024];
        accepted = new int[apps.length];
    }

    int apps() {
        return apps.length;
    }

    String app(int index) {
        return apps[index];
    }

    int appIndex(String app) {
        for (int i = 0; i < apps.length; i++) {
            if (apps[i].equals(app)) {
                return i;
            }
        }
        return -1;
    }

    /** Numbers {@code from} (inclusive) to {@code to} (exclusive) of app {@code app} were accepted by {@code doppler}. */
    synchronized void accepted(int app, int from, int to, int doppler, long nanos) {
        if (to > acceptedAt[app].length) {
            int size = Math.max(to, acceptedAt[app].length * 2);
            acceptedAt[app] = Arrays.copyOf(acceptedAt[app], size);
            acceptedBy[app] = Arrays.copyOf(acceptedBy[app], size);
        }
        for (int n = from; n < to; n++) {
            acceptedAt[app][n] = nanos;
            acceptedBy[app][n] = (byte) doppler;
        }
        accepted[app] = Math.max(accepted[app], to);
    }

    /** How many numbers of {@code app} are accepted (0 to this, exclusive). */
    synchronized int acceptedCount(int app) {
        return accepted[app];
    }

    synchronized long acceptedAt(int app, int number) {
        return acceptedAt[app][number];
    }

    synchronized int acceptedBy(int app, int number) {
        return acceptedBy[app][number];
    }

    /** The first number of {@code app} accepted at or after {@code nanos} (the accepted count when none is). */
    synchronized int firstAcceptedAtOrAfter(int app, long nanos) {
        int low = 0;
        int high = accepted[app];
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (acceptedAt[app][mid] - nanos < 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
