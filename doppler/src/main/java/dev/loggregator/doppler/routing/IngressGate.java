package dev.loggregator.doppler.routing;

/**
 * What the {@link IngressBuffer} consults on every offer, on the ingress threads: whether an envelope may
 * take room in it at all, and who is told when the buffer was full. Kept apart from the buffer so that
 * who is refused (fairness, accounting) can change without touching the hand-off itself.
 */
public interface IngressGate {
    /** Admits everything and counts nothing beyond the buffer's own total. */
    IngressGate OPEN = new IngressGate() {
        @Override
        public boolean admit(RoutedEnvelope envelope, int queued, int capacity) {
            return true;
        }

        @Override
        public void shed(RoutedEnvelope envelope) {
        }
    };

    /** Whether {@code envelope} may go into a buffer holding {@code queued} of {@code capacity}; a refusal is counted by the gate. */
    boolean admit(RoutedEnvelope envelope, int queued, int capacity);

    /** {@code envelope} was shed because the buffer was full (already counted in the buffer's total). */
    void shed(RoutedEnvelope envelope);

    /** The app an envelope is accounted to: its app id, or for what has none its source id (null if neither). */
    static String appOf(RoutedEnvelope envelope) {
        return envelope.appId() != null ? envelope.appId() : envelope.sourceId();
    }
}
