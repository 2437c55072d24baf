package dev.loggregator.trafficcontroller.v2;

/**
 * The v2 read APIs' limits from the manifest (traffic_controller.v2 and the shared stream settings, the
 * fair share of a reader's queue among apps included: {@code fairShareFactor} 0 is off).
 */
public record V2Settings(long heartbeatMillis, long streamLifetimeMillis, int maxSourceIds, int bufferEnvelopes,
                         long slowConsumerMillis, double fairShareFactor) {
}
