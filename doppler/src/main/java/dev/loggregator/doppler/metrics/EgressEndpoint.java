package dev.loggregator.doppler.metrics;

/** What kind of request took envelopes out of this Doppler. */
public enum EgressEndpoint implements MetricLabel {
    STREAM("stream"),
    FIREHOSE("firehose"),
    V2("v2"),
    RECENT_LOGS("recentlogs"),
    CONTAINER_METRICS("containermetrics");

    private final String label;

    EgressEndpoint(String label) {
        this.label = label;
    }

    @Override
    public String label() {
        return label;
    }
}
