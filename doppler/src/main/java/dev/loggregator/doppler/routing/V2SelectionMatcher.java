package dev.loggregator.doppler.routing;

import dev.loggregator.wire.v2.V2Kind;
import dev.loggregator.wire.v2.select.EnvelopeSelection;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;

/**
 * A v2 egress request's selectors. Most requests select by kind alone (the firehose), which needs
 * nothing but the kind read at ingress; only selectors naming a source id or a metric look at the
 * v2 envelope (for an envelope that arrived as v1, its v2 form is made here, once).
 *
 * <p>With a {@code deterministic_name}, counters and gauges of the same name always go to the same
 * member of a shard group (as the real Doppler hashes them), so a consumer computing rates sees
 * every point of its metrics.
 */
public record V2SelectionMatcher(EnvelopeSelection selection, boolean deterministic) implements EnvelopeMatcher {
    @Override
    public boolean accepts(RoutedEnvelope envelope) {
        if (!selection.mayMatch(envelope.kind())) {
            return false;
        }
        return selection.decidedByKind() || selection.matches(envelope.v2());
    }

    @Override
    public int member(RoutedEnvelope envelope, int members) {
        if (!deterministic || (envelope.kind() != V2Kind.COUNTER && envelope.kind() != V2Kind.GAUGE)) {
            return -1;
        }
        Envelope v2 = envelope.v2();
        int hash;
        if (v2.hasCounter()) {
            hash = v2.getCounter().getName().hashCode();
        } else {
            hash = 0;
            for (String name : v2.getGauge().getMetricsMap().keySet()) {
                hash += name.hashCode(); // order-independent, like the real Doppler's sum of crc64s
            }
        }
        return Math.floorMod(hash, members);
    }
}
