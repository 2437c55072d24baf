package dev.loggregator.doppler.metrics;

/** The text a constant takes as a Prometheus label value and as a self-metric tag. */
public interface MetricLabel {
    String label();
}
