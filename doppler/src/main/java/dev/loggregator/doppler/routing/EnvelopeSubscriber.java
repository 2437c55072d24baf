package dev.loggregator.doppler.routing;

/**
 * A receiver of routed envelopes with a bounded queue. Called only from the router thread, so
 * an implementation must never block: it accepts into its queue or refuses.
 */
public interface EnvelopeSubscriber {

    /** Queues the envelope; false when the queue is full (nothing was queued). */
    boolean offer(RoutedEnvelope envelope);

    /** Records that an envelope meant for this subscriber was dropped because its queue was full. */
    void dropped(RoutedEnvelope envelope);

    /** Records that up to {@code count} envelopes meant for this subscriber are gone for good (a link break longer than the replay ring). */
    default void lost(long count) {
    }
}
