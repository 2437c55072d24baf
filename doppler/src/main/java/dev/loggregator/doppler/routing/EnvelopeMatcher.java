package dev.loggregator.doppler.routing;

/** Which routed envelopes a subscription group takes. Called on the router thread. */
public interface EnvelopeMatcher {
    boolean accepts(RoutedEnvelope envelope);

    /**
     * Which of {@code members} members gets the envelope, or -1 to take turns. Groups that route
     * by content (the v2 API's {@code deterministic_name}) override this.
     */
    default int member(RoutedEnvelope envelope, int members) {
        return -1;
    }
}
