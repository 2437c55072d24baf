package dev.loggregator.trafficcontroller.api;

/** Per-stream limits from the manifest's traffic_controller section. */
public record StreamSettings(long keepaliveMillis, long pongTimeoutMillis, long slowConsumerMillis, int bufferEnvelopes) {
}
