package dev.loggregator.trafficcontroller.api;

/** Per-stream limits from the manifest's traffic_controller section ({@code fairShareFactor} 0: off). */
public record StreamSettings(long keepaliveMillis, long pongTimeoutMillis, long slowConsumerMillis, int bufferEnvelopes,
                             double fairShareFactor) {
}
