package dev.loggregator.wire.filter;

import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;

/** The firehose {@code filter-type}: {@code logs} is LogMessage only, {@code metrics} everything else. */
public enum EnvelopeFilter {
    ALL,
    LOGS,
    METRICS;

    /** Maps the query value; anything other than {@code logs} or {@code metrics} (or none) means all types. */
    public static EnvelopeFilter fromQuery(String filterType) {
        if ("logs".equals(filterType)) {
            return LOGS;
        }
        if ("metrics".equals(filterType)) {
            return METRICS;
        }
        return ALL;
    }

    public boolean accepts(EventType eventType) {
        return switch (this) {
            case ALL -> true;
            case LOGS -> eventType == EventType.LogMessage;
            case METRICS -> eventType != EventType.LogMessage;
        };
    }

    /** The query value that selects this filter, or null for {@link #ALL}. */
    public String queryValue() {
        return this == ALL ? null : name().toLowerCase(java.util.Locale.ROOT);
    }
}
