package dev.loggregator.doppler.routing;

import dev.loggregator.wire.filter.EnvelopeFilter;
import java.util.Arrays;

/**
 * Firehose subscribers sharing one subscription id and filter: each envelope goes to exactly
 * one member. Members take turns; a member whose queue is full is passed over for the next one,
 * and only when every member is full is the envelope dropped (for the member whose turn it was).
 */
final class FirehoseGroup {
    private final EnvelopeFilter filter;
    private volatile EnvelopeSubscriber[] members = new EnvelopeSubscriber[0];
    private int turn; // router thread only

    FirehoseGroup(EnvelopeFilter filter) {
        this.filter = filter;
    }

    void deliver(RoutedEnvelope envelope) {
        if (!filter.accepts(envelope.eventType())) {
            return;
        }
        EnvelopeSubscriber[] current = members;
        int n = current.length;
        if (n == 0) {
            return;
        }
        int first = turn++ % n;
        if (turn < 0) {
            turn = 0;
        }
        for (int i = 0; i < n; i++) {
            if (current[(first + i) % n].offer(envelope)) {
                return;
            }
        }
        current[first].dropped(envelope);
    }

    // Membership changes are rare (connects and disconnects); the copy keeps deliver() lock-free.
    synchronized void add(EnvelopeSubscriber subscriber) {
        EnvelopeSubscriber[] next = Arrays.copyOf(members, members.length + 1);
        next[next.length - 1] = subscriber;
        members = next;
    }

    /** Returns true when the group is now empty. */
    synchronized boolean remove(EnvelopeSubscriber subscriber) {
        members = Arrays.stream(members).filter(m -> m != subscriber).toArray(EnvelopeSubscriber[]::new);
        return members.length == 0;
    }

    int size() {
        return members.length;
    }
}
