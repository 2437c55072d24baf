package dev.loggregator.doppler.logcache;

import java.util.function.Consumer;

/**
 * The series of one metric name, by the hash of their labels: an open-addressing table of primitive
 * keys (linear probing, deletion by shifting back), so a lookup on the router thread allocates
 * nothing. Series whose labels hash alike share a slot as a chain; callers compare labels.
 */
final class SeriesTable {
    private long[] keys = new long[8];
    private MetricSeries[] heads = new MetricSeries[8];
    private int slots;
    private int count;

    /** The first series whose labels hash to {@code fingerprint}, or null. */
    MetricSeries get(long fingerprint) {
        int mask = heads.length - 1;
        for (int i = index(fingerprint, mask); heads[i] != null; i = (i + 1) & mask) {
            if (keys[i] == fingerprint) {
                return heads[i];
            }
        }
        return null;
    }

    void add(MetricSeries series) {
        if ((slots + 1) * 2 > heads.length) {
            resize(heads.length * 2);
        }
        int mask = heads.length - 1;
        int i = index(series.fingerprint, mask);
        while (heads[i] != null && keys[i] != series.fingerprint) {
            i = (i + 1) & mask;
        }
        if (heads[i] == null) {
            keys[i] = series.fingerprint;
            slots++;
        }
        series.sameFingerprint = heads[i];
        heads[i] = series;
        count++;
    }

    void remove(MetricSeries series) {
        int mask = heads.length - 1;
        int i = index(series.fingerprint, mask);
        while (heads[i] != null && keys[i] != series.fingerprint) {
            i = (i + 1) & mask;
        }
        if (heads[i] == null) {
            return;
        }
        if (heads[i] == series) {
            heads[i] = series.sameFingerprint;
        } else {
            MetricSeries before = heads[i];
            while (before.sameFingerprint != null && before.sameFingerprint != series) {
                before = before.sameFingerprint;
            }
            if (before.sameFingerprint == null) {
                return;
            }
            before.sameFingerprint = series.sameFingerprint;
        }
        series.sameFingerprint = null;
        count--;
        if (heads[i] == null) {
            slots--;
            shiftBack(i, mask);
        }
    }

    int size() {
        return count;
    }

    void forEach(Consumer<MetricSeries> action) {
        for (MetricSeries head : heads) {
            for (MetricSeries series = head; series != null; series = series.sameFingerprint) {
                action.accept(series);
            }
        }
    }

    /** Closes the gap at {@code empty}: moves later entries of the probe run back where their own probe allows. */
    private void shiftBack(int empty, int mask) {
        int i = (empty + 1) & mask;
        while (heads[i] != null) {
            int home = index(keys[i], mask);
            // Movable when the gap lies on its probe path: from home to i passes through empty.
            if (((i - home) & mask) >= ((i - empty) & mask)) {
                keys[empty] = keys[i];
                heads[empty] = heads[i];
                heads[i] = null;
                empty = i;
            }
            i = (i + 1) & mask;
        }
    }

    private void resize(int capacity) {
        long[] oldKeys = keys;
        MetricSeries[] oldHeads = heads;
        keys = new long[capacity];
        heads = new MetricSeries[capacity];
        int mask = capacity - 1;
        for (int j = 0; j < oldHeads.length; j++) {
            if (oldHeads[j] != null) {
                int i = index(oldKeys[j], mask);
                while (heads[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                heads[i] = oldHeads[j];
            }
        }
    }

    private static int index(long fingerprint, int mask) {
        return (int) (fingerprint ^ (fingerprint >>> 32)) & mask;
    }
}
