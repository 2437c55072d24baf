package dev.loggregator.doppler.routing;

import dev.loggregator.wire.filter.EnvelopeFilter;

/** A v1 firehose's {@code filter-type}; envelopes without a v1 form (v2 events) never reach v1 subscribers. */
public record V1FirehoseMatcher(EnvelopeFilter filter) implements EnvelopeMatcher {
    @Override
    public boolean accepts(RoutedEnvelope envelope) {
        return envelope.eventType() != null && filter.accepts(envelope.eventType());
    }
}
