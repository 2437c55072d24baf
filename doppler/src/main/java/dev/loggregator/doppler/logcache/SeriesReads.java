package dev.loggregator.doppler.logcache;

import dev.loggregator.wire.logcache.series.SeriesLink.Matcher;
import dev.loggregator.wire.logcache.series.SeriesLink.Selection;
import dev.loggregator.wire.logcache.series.SeriesLink.SelectionResult;
import dev.loggregator.wire.logcache.series.SeriesLink.Series;
import dev.loggregator.wire.logcache.series.SeriesLink.SeriesRequest;
import dev.loggregator.wire.logcache.series.SeriesLink.SeriesResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Answers a Traffic Controller's {@code /logcache/series} request (docs/internal-protocol.md): for each
 * selection of a PromQL query, the samples of every series of the named metric, in the named sources,
 * whose labels match, with timestamps in [start, end); or only each series' newest sample there. A
 * source is read under its lock, by one pass over its stored entries in the range.
 */
public final class SeriesReads {
    private final LogCacheStore store;

    public SeriesReads(LogCacheStore store) {
        this.store = store;
    }

    /** @throws IllegalArgumentException for a regex that does not compile or an answer beyond {@code max_samples} */
    public SeriesResponse read(SeriesRequest request) {
        long[] budget = {request.getMaxSamples() <= 0 ? Long.MAX_VALUE : request.getMaxSamples()};
        SeriesResponse.Builder response = SeriesResponse.newBuilder();
        for (Selection selection : request.getSelectionsList()) {
            response.addResults(select(selection, budget));
        }
        return response.build();
    }

    private SelectionResult select(Selection selection, long[] budget) {
        List<LabelTest> tests = new ArrayList<>(selection.getMatchersCount());
        for (Matcher matcher : selection.getMatchersList()) {
            tests.add(LabelTest.of(matcher));
        }
        SelectionResult.Builder result = SelectionResult.newBuilder();
        for (String sourceId : new LinkedHashSet<>(selection.getSourceIdsList())) {
            SourceLog log = store.source(sourceId);
            if (log == null) {
                continue;
            }
            List<Collector> collectors = new ArrayList<>();
            synchronized (log) {
                SourceSeries.Family family = log.series() == null ? null : log.series().family(selection.getMetric());
                if (family == null) {
                    continue;
                }
                family.table.forEach(series -> {
                    if (matches(series, sourceId, tests)) {
                        Collector collector = new Collector(series, budget);
                        series.collector = collector;
                        collectors.add(collector);
                    }
                });
                if (collectors.isEmpty()) {
                    continue;
                }
                try {
                    collect(log, selection, collectors.size());
                } finally {
                    collectors.forEach(collector -> collector.series.collector = null);
                }
            }
            for (Collector collector : collectors) {
                if (collector.size > 0) {
                    result.addSeries(collector.toSeries(sourceId));
                }
            }
        }
        return result.build();
    }

    private static void collect(SourceLog log, Selection selection, int wanted) {
        if (selection.getLastOnly()) {
            int[] found = {0};
            log.forEachPoint(selection.getStart(), selection.getEnd(), true, (timestamp, point) -> {
                for (int i = 0; i < point.size(); i++) {
                    Collector collector = point.series(i).collector;
                    if (collector != null && collector.size == 0) {
                        collector.add(timestamp, point.value(i));
                        found[0]++;
                    }
                }
                return found[0] < wanted;
            });
            return;
        }
        log.forEachPoint(selection.getStart(), selection.getEnd(), false, (timestamp, point) -> {
            for (int i = 0; i < point.size(); i++) {
                Collector collector = point.series(i).collector;
                if (collector != null) {
                    collector.add(timestamp, point.value(i));
                }
            }
            return true;
        });
    }

    private static boolean matches(MetricSeries series, String sourceId, List<LabelTest> tests) {
        for (LabelTest test : tests) {
            if (!test.matches(test.name.equals("source_id") ? sourceId : series.label(test.name))) {
                return false;
            }
        }
        return true;
    }

    /** One label matcher, with Prometheus's semantics: a missing label is "", regexes match whole values. */
    private record LabelTest(String name, Matcher.Type type, String value, Pattern pattern) {
        static LabelTest of(Matcher matcher) {
            Pattern pattern = null;
            if (matcher.getType() == Matcher.Type.REGEX || matcher.getType() == Matcher.Type.NOT_REGEX) {
                try {
                    pattern = Pattern.compile(matcher.getValue());
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("error parsing regexp: " + e.getDescription());
                }
            }
            return new LabelTest(matcher.getName(), matcher.getType(), matcher.getValue(), pattern);
        }

        boolean matches(String actual) {
            return switch (type) {
                case EQUAL -> actual.equals(value);
                case NOT_EQUAL -> !actual.equals(value);
                case REGEX -> pattern.matcher(actual).matches();
                case NOT_REGEX -> !pattern.matcher(actual).matches();
                case UNRECOGNIZED -> false;
            };
        }
    }

    /** The samples of one series found so far. */
    static final class Collector {
        private final MetricSeries series;
        private final long[] budget;
        private long[] timestamps = new long[16];
        private double[] values = new double[16];
        private int size;

        Collector(MetricSeries series, long[] budget) {
            this.series = series;
            this.budget = budget;
        }

        void add(long timestamp, double value) {
            if (--budget[0] < 0) {
                throw new IllegalArgumentException("query processing would load too many samples into memory in query execution");
            }
            if (size == timestamps.length) {
                timestamps = Arrays.copyOf(timestamps, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            timestamps[size] = timestamp;
            values[size++] = value;
        }

        Series toSeries(String sourceId) {
            Series.Builder out = Series.newBuilder().setSourceId(sourceId);
            for (int i = 0; i < series.names.length; i++) {
                out.addLabelNames(series.names[i]).addLabelValues(series.values[i]);
            }
            for (int i = 0; i < size; i++) {
                out.addTimestamps(timestamps[i]).addValues(values[i]);
            }
            return out.build();
        }
    }
}
