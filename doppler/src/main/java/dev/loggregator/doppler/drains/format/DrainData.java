package dev.loggregator.doppler.drains.format;

import dev.loggregator.wire.v2.V2Kind;

/**
 * What a drain forwards, from its URL options (loggregator-agent-release
 * {@code filtering_drain_writer.go}): the default {@code LOGS} is logs and events.
 */
public enum DrainData {
    LOGS("logs"),
    METRICS("metrics"),
    TRACES("traces"),
    ALL("all"),
    LOGS_NO_EVENTS("logs (no events)"),
    LOGS_AND_METRICS("logs and metrics");

    private final String label;

    DrainData(String label) {
        this.label = label;
    }

    /** Whether an envelope of {@code kind} goes to a drain of this type; runs on the router thread. */
    public boolean accepts(V2Kind kind) {
        if (kind == null) {
            return false;
        }
        return switch (this) {
            case ALL -> true;
            case LOGS -> kind == V2Kind.LOG || kind == V2Kind.EVENT;
            case LOGS_NO_EVENTS -> kind == V2Kind.LOG;
            case METRICS -> kind == V2Kind.COUNTER || kind == V2Kind.GAUGE;
            case LOGS_AND_METRICS -> kind == V2Kind.LOG || kind == V2Kind.COUNTER || kind == V2Kind.GAUGE;
            case TRACES -> kind == V2Kind.TIMER;
        };
    }

    public String label() {
        return label;
    }
}
