package dev.loggregator.doppler.logcache;

/**
 * The PromQL samples one stored envelope holds: a counter's total, a timer's duration, or one value per
 * gauge metric, each with the series it belongs to. Kept beside the envelope in its {@link SourceLog}
 * entry, so a sample lives exactly as long as its envelope, as in Log Cache (which reads samples out of
 * the stored envelopes).
 */
sealed interface MetricPoint permits MetricPoint.Single, MetricPoint.Several {
    int size();

    MetricSeries series(int i);

    double value(int i);

    /** Heap the point costs (besides its series, which are shared). */
    long bytes();

    /** A counter, a timer or a gauge with one metric. */
    record Single(MetricSeries series, double value) implements MetricPoint {
        @Override
        public int size() {
            return 1;
        }

        @Override
        public MetricSeries series(int i) {
            return series;
        }

        @Override
        public double value(int i) {
            return value;
        }

        @Override
        public long bytes() {
            return 24;
        }
    }

    /** A gauge with several metrics, each its own series. */
    record Several(MetricSeries[] series, double[] values) implements MetricPoint {
        @Override
        public int size() {
            return series.length;
        }

        @Override
        public MetricSeries series(int i) {
            return series[i];
        }

        @Override
        public double value(int i) {
            return values[i];
        }

        @Override
        public long bytes() {
            return 16 + 16 + 4L * series.length + 16 + 8L * values.length;
        }
    }
}
