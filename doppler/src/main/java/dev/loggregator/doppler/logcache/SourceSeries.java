package dev.loggregator.doppler.logcache;

import dev.loggregator.wire.v2.TagPreference;
import dev.loggregator.wire.v2.V2Kind;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.GaugeValue;

/**
 * The PromQL series of one source (log-cache-release {@code internal/promql/promql.go}): a gauge gives
 * one sample per metric, a counter its total, a timer {@code stop - start}; a series is a metric name
 * sanitised to {@code [A-Za-z0-9_]} plus the envelope's tags and {@code instance_id}. Samples are made
 * once, on the router thread, from the envelope's v2 form, and stored with the envelope; this table only
 * finds the series a sample belongs to without allocating: metric names are looked up as they arrive
 * (sanitised once per distinct name), labels by an order-independent hash of the tags, then compared.
 * Series with no stored sample left are dropped. At most {@code maxSeries} series are held (the
 * per-source envelope cap); samples of further series are refused and counted. Guarded by the source
 * log's lock.
 */
final class SourceSeries {
    private static final String SOURCE_ID = "source_id";
    private static final String INSTANCE_ID = "instance_id";

    /** The series of one sanitised metric name. */
    static final class Family {
        final String name;
        final SeriesTable table = new SeriesTable();

        Family(String name) {
            this.name = name;
        }
    }

    private final int maxSeries;
    private final Map<String, Family> byName = new HashMap<>();
    private final Map<String, Family> bySanitisedName = new HashMap<>();
    private int seriesCount;
    private long bytes;
    private long refused;

    SourceSeries(int maxSeries) {
        this.maxSeries = maxSeries;
    }

    /** Whether envelopes of this kind hold PromQL samples. */
    static boolean holdsSamples(V2Kind kind) {
        return kind == V2Kind.GAUGE || kind == V2Kind.COUNTER || kind == V2Kind.TIMER;
    }

    /** The samples of a gauge, counter or timer envelope; null when it holds none (or only refused ones). */
    MetricPoint point(Envelope envelope) {
        Map<String, String> tags = envelope.getDeprecatedTagsCount() == 0 ? envelope.getTagsMap()
                : TagPreference.PREFERRED.apply(envelope).getTagsMap();
        String instanceId = envelope.getInstanceId();
        MetricPoint point;
        switch (envelope.getMessageCase()) {
            case COUNTER -> {
                MetricSeries series = series(envelope.getCounter().getName(), tags, instanceId);
                point = series == null ? null : new MetricPoint.Single(series, unsigned(envelope.getCounter().getTotal()));
            }
            case TIMER -> {
                MetricSeries series = series(envelope.getTimer().getName(), tags, instanceId);
                point = series == null ? null
                        : new MetricPoint.Single(series, envelope.getTimer().getStop() - envelope.getTimer().getStart());
            }
            case GAUGE -> point = gauge(envelope.getGauge().getMetricsMap(), tags, instanceId);
            default -> point = null;
        }
        if (point == null) {
            return null;
        }
        for (int i = 0; i < point.size(); i++) {
            point.series(i).references++;
        }
        bytes += point.bytes();
        return point;
    }

    private MetricPoint gauge(Map<String, GaugeValue> metrics, Map<String, String> tags, String instanceId) {
        if (metrics.size() == 1) {
            Map.Entry<String, GaugeValue> metric = metrics.entrySet().iterator().next();
            MetricSeries series = series(metric.getKey(), tags, instanceId);
            return series == null ? null : new MetricPoint.Single(series, metric.getValue().getValue());
        }
        MetricSeries[] series = new MetricSeries[metrics.size()];
        double[] values = new double[metrics.size()];
        int count = 0;
        next:
        for (Map.Entry<String, GaugeValue> metric : metrics.entrySet()) {
            MetricSeries one = series(metric.getKey(), tags, instanceId);
            if (one == null) {
                continue;
            }
            for (int i = 0; i < count; i++) {
                if (series[i] == one) {
                    continue next; // two names that sanitise alike: Log Cache takes one of them
                }
            }
            series[count] = one;
            values[count++] = metric.getValue().getValue();
        }
        if (count == 0) {
            return null;
        }
        return count == series.length ? new MetricPoint.Several(series, values)
                : new MetricPoint.Several(Arrays.copyOf(series, count), Arrays.copyOf(values, count));
    }

    /** Drops a stored envelope's samples; series no sample refers to any more go with them. */
    void release(MetricPoint point) {
        bytes -= point.bytes();
        for (int i = 0; i < point.size(); i++) {
            MetricSeries series = point.series(i);
            if (--series.references == 0) {
                Family family = series.family;
                family.table.remove(series);
                seriesCount--;
                bytes -= series.bytes();
                if (family.table.size() == 0) {
                    forget(family);
                }
            }
        }
    }

    private void forget(Family family) {
        bySanitisedName.remove(family.name);
        byName.values().removeIf(f -> f == family);
    }

    /** The series of a sanitised metric name, or null. */
    Family family(String sanitisedName) {
        return bySanitisedName.get(sanitisedName);
    }

    int seriesCount() {
        return seriesCount;
    }

    /** Heap held by the series and the stored samples. */
    long bytes() {
        return bytes;
    }

    long refused() {
        return refused;
    }

    private MetricSeries series(String rawName, Map<String, String> tags, String instanceId) {
        Family family = byName.get(rawName);
        if (family == null) {
            family = bySanitisedName.computeIfAbsent(sanitise(rawName), Family::new);
            byName.put(rawName, family);
        }
        long fingerprint = fingerprint(tags, instanceId);
        for (MetricSeries series = family.table.get(fingerprint); series != null; series = series.sameFingerprint) {
            if (series.fingerprint == fingerprint && sameLabels(series, tags, instanceId)) {
                return series;
            }
        }
        if (seriesCount >= maxSeries) {
            refused++;
            if (family.table.size() == 0) {
                forget(family);
            }
            return null;
        }
        MetricSeries series = newSeries(family, tags, instanceId, fingerprint);
        family.table.add(series);
        seriesCount++;
        bytes += series.bytes();
        return series;
    }

    private static MetricSeries newSeries(Family family, Map<String, String> tags, String instanceId, long fingerprint) {
        String[] names = new String[labelCount(tags, instanceId)];
        int count = 0;
        for (String name : tags.keySet()) {
            if (!name.equals(SOURCE_ID) && !(name.equals(INSTANCE_ID) && !instanceId.isEmpty())) {
                names[count++] = name;
            }
        }
        if (!instanceId.isEmpty()) {
            names[count] = INSTANCE_ID;
        }
        Arrays.sort(names);
        String[] values = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            values[i] = valueOf(names[i], tags, instanceId);
        }
        return new MetricSeries(family, names, values, fingerprint);
    }

    /** Log Cache's labels: the tags, with {@code source_id} the source's own and a non-empty instance id over any tag. */
    private static String valueOf(String name, Map<String, String> tags, String instanceId) {
        return name.equals(INSTANCE_ID) && !instanceId.isEmpty() ? instanceId : tags.get(name);
    }

    private static int labelCount(Map<String, String> tags, String instanceId) {
        int count = tags.size();
        if (tags.containsKey(SOURCE_ID)) {
            count--;
        }
        if (!instanceId.isEmpty() && !tags.containsKey(INSTANCE_ID)) {
            count++;
        }
        return count;
    }

    private static boolean sameLabels(MetricSeries series, Map<String, String> tags, String instanceId) {
        if (series.names.length != labelCount(tags, instanceId)) {
            return false;
        }
        for (int i = 0; i < series.names.length; i++) {
            if (!series.values[i].equals(valueOf(series.names[i], tags, instanceId))) {
                return false;
            }
        }
        return true;
    }

    /** A hash of the label set that does not depend on the order the tags come in. */
    static long fingerprint(Map<String, String> tags, String instanceId) {
        long hash = 0;
        Iterator<Map.Entry<String, String>> entries = tags.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<String, String> tag = entries.next();
            String name = tag.getKey();
            if (!name.equals(SOURCE_ID) && !(name.equals(INSTANCE_ID) && !instanceId.isEmpty())) {
                hash += mix(name, tag.getValue());
            }
        }
        return instanceId.isEmpty() ? hash : hash + mix(INSTANCE_ID, instanceId);
    }

    private static long mix(String name, String value) {
        long h = ((long) name.hashCode() << 32) ^ (value.hashCode() & 0xffffffffL) ^ ((long) value.length() << 20);
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    /**
     * Log Cache's {@code SanitizeMetricName} (Go regexp {@code ^[^A-z_]|[\W_]+?} replaced by {@code _}):
     * every character but ASCII letters, digits and {@code _} becomes {@code _}, and so does a leading digit.
     */
    static String sanitise(String name) {
        StringBuilder out = null;
        int i = 0;
        while (i < name.length()) {
            int c = name.codePointAt(i);
            boolean word = c < 128 && (Character.isLetterOrDigit(c) || c == '_');
            boolean keep = word && !(i == 0 && c >= '0' && c <= '9');
            if (!keep && out == null) {
                out = new StringBuilder(name.length()).append(name, 0, i);
            }
            if (out != null) {
                out.append(keep ? (char) c : '_');
            }
            i += Character.charCount(c);
        }
        return out == null ? name : out.toString();
    }

    /** Go's {@code float64(uint64)}. */
    private static double unsigned(long value) {
        return value >= 0 ? value : (double) (value >>> 1 | (value & 1)) * 2.0;
    }
}
