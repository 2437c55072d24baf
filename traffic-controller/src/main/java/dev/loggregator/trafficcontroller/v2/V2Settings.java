package dev.loggregator.trafficcontroller.v2;

/** The v2 read APIs' limits from the manifest (traffic_controller.v2 and the shared stream settings). */
public record V2Settings(long heartbeatMillis, long streamLifetimeMillis, int maxSourceIds, int bufferEnvelopes,
                         long slowConsumerMillis) {
}
