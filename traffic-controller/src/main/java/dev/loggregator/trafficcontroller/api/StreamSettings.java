package dev.loggregator.trafficcontroller.api;

import dev.loggregator.trafficcontroller.stream.FairShareRule;
import dev.loggregator.trafficcontroller.stream.StreamBudget;

/**
 * Per-stream limits from the manifest's traffic_controller section: an app stream's queue holds {@code
 * bufferEnvelopes}, a firehose's its part of {@code streamBudget}; {@code fairShare} sheds within a queue;
 * {@code maxLossNotices} subscriptions cut as slow consumers keep their loss for their next connection.
 */
public record StreamSettings(long keepaliveMillis, long pongTimeoutMillis, long slowConsumerMillis, int bufferEnvelopes,
                             StreamBudget streamBudget, FairShareRule fairShare,
                             int maxLossNotices) {
}
