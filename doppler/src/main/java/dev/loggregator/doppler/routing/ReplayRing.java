package dev.loggregator.doppler.routing;

import java.util.function.Consumer;

/**
 * The last envelopes the router handled, with their sequence numbers, so a link that comes back
 * after a break (its Traffic Controller re-dialled, or this Doppler restarted) gets what it missed
 * meanwhile instead of losing it: bounded by count and by age. Router thread only.
 */
final class ReplayRing {
    private final RoutedEnvelope[] envelopes;
    private final long[] arrivals;
    private final long maxAgeNanos;
    private int next;
    private int size;

    ReplayRing(int capacity, long maxAgeNanos) {
        this.envelopes = new RoutedEnvelope[Math.max(1, capacity)];
        this.arrivals = new long[envelopes.length];
        this.maxAgeNanos = maxAgeNanos;
    }

    void add(RoutedEnvelope envelope, long nowNanos) {
        envelopes[next] = envelope;
        arrivals[next] = nowNanos;
        next = (next + 1) % envelopes.length;
        if (size < envelopes.length) {
            size++;
        }
    }

    /**
     * Hands every held envelope with a sequence number above {@code after}, oldest first, to {@code to},
     * and returns how many envelopes above {@code after} are no longer held (evicted or too old):
     * what the link lost for good.
     */
    long replayAfter(long after, long lastSequence, long nowNanos, Consumer<RoutedEnvelope> to) {
        long replayedFrom = lastSequence + 1; // the oldest sequence number replayed
        for (int i = 0; i < size; i++) {
            int at = (next - size + i + envelopes.length) % envelopes.length;
            RoutedEnvelope envelope = envelopes[at];
            if (envelope.sequence() <= after || nowNanos - arrivals[at] > maxAgeNanos) {
                continue;
            }
            replayedFrom = Math.min(replayedFrom, envelope.sequence());
            to.accept(envelope);
        }
        return Math.max(0, replayedFrom - after - 1);
    }
}
