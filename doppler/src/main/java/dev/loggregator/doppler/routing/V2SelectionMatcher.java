package dev.loggregator.doppler.routing;

import dev.loggregator.wire.v2.V2Kind;
import dev.loggregator.wire.v2.select.EnvelopeSelection;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;

/**
 * A v2 egress request's selectors. Most requests select by kind alone (the firehose), which needs
 * nothing but the kind read at ingress, and selectors naming a source id nothing but the source id
 * read there too; only counter and gauge selectors look at the v2 envelope (decoded here for them).
 *
 * <p>With a {@code deterministic_name}, counters and gauges of the same name always go to the same
 * member of a shard group (as the real Doppler hashes them), so a consumer computing rates sees
 * every point of its metrics.
 */
public record V2SelectionMatcher(EnvelopeSelection selection, boolean deterministic) implements EnvelopeMatcher {
    @Override
    public boolean accepts(RoutedEnvelope envelope) {
        V2Kind kind = envelope.kind();
        if (!selection.mayMatch(kind)) {
            return false;
        }
        if (selection.decidedByKind()) {
            return true;
        }
        // only counter and gauge selectors look into the message; the rest need the source id read at ingress
        return kind == V2Kind.COUNTER || kind == V2Kind.GAUGE
                ? selection.matches(envelope.v2()) : selection.matches(kind, envelope.sourceId());
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
