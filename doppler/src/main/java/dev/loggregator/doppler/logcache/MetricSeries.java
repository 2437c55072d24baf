package dev.loggregator.doppler.logcache;

import java.util.Arrays;

/**
 * One PromQL series of a source: a sanitised metric name (its {@link SourceSeries.Family}) and a label
 * set, the envelope's tags plus {@code instance_id} (the source id is the source's own), names sorted.
 * Counted by the stored samples that refer to it, and dropped with the last of them. Only touched under
 * its source log's lock.
 */
final class MetricSeries {
    final SourceSeries.Family family;
    final String[] names;
    final String[] values;
    final long fingerprint;
    /** Stored samples referring to this series. */
    int references;
    /** The next series of the same family whose labels hash alike (a collision chain of {@link SeriesTable}). */
    MetricSeries sameFingerprint;
    /** Set while a read collects this series' samples (under the log's lock), null otherwise. */
    SeriesReads.Collector collector;

    MetricSeries(SourceSeries.Family family, String[] names, String[] values, long fingerprint) {
        this.family = family;
        this.names = names;
        this.values = values;
        this.fingerprint = fingerprint;
    }

    /** The value of label {@code name}, or "" when the series has no such label (as Prometheus treats it). */
    String label(String name) {
        int at = Arrays.binarySearch(names, name);
        return at < 0 ? "" : values[at];
    }

    /** Heap the series costs: the object, its arrays and its label strings. */
    long bytes() {
        long bytes = 48 + 2 * (16 + 4L * names.length);
        for (int i = 0; i < names.length; i++) {
            bytes += 40 + names[i].length() + 40 + values[i].length();
        }
        return bytes;
    }
}
