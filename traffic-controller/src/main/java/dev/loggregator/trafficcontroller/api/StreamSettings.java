package dev.loggregator.trafficcontroller.api;


import dev.loggregator.trafficcontroller.stream.StreamBudget;

/**
 * Per-stream limits from the manifest's traffic_controller section ({@code fairShareFactor} 0: off): an app
 * stream's queue holds {@code bufferEnvelopes}, a firehose's its part of {@code streamBudget}.
 */
public record StreamSettings(long keepaliveMillis, long pongTimeoutMillis, long slowConsumerMillis, int bufferEnvelopes,
                             StreamBudget streamBudget, double fairShareFactor) {
}
