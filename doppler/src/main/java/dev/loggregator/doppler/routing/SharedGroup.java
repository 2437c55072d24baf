package dev.loggregator.doppler.routing;

import java.util.Arrays;

/**
 * Subscribers sharing one subscription (the v1 firehose's subscription id, the v2 API's shard id)
 * and one matcher: each envelope the matcher accepts goes to exactly one member. Members take turns
 * (unless the matcher names one); a member whose queue is full is passed over for the next one,
 * and only when every member is full is the envelope dropped (for the member whose turn it was).
 */
final class SharedGroup {
    private final EnvelopeMatcher matcher;
    private volatile EnvelopeSubscriber[] members = new EnvelopeSubscriber[0];
    private int turn; // router thread only

    SharedGroup(EnvelopeMatcher matcher) {
        this.matcher = matcher;
    }

    void deliver(RoutedEnvelope envelope) {
        EnvelopeSubscriber[] current = members;
        int n = current.length;
        if (n == 0 || !matcher.accepts(envelope)) {
            return;
        }
        int first = matcher.member(envelope, n);
        if (first < 0) {
            first = turn++ % n;
            if (turn < 0) {
                turn = 0;
            }
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
