package dev.loggregator.trafficcontroller.v2;

import dev.loggregator.trafficcontroller.stream.FairShareRule;
import dev.loggregator.trafficcontroller.stream.StreamBudget;

/**
 * The v2 read APIs' limits from the manifest (traffic_controller.v2 and the shared stream settings, the
 * fair share of a reader's queue among apps included). A reader of one
 * source id has a queue of {@code bufferEnvelopes}; one of several or all its part of {@code streamBudget}.
 */
public record V2Settings(long heartbeatMillis, long streamLifetimeMillis, int maxSourceIds, int bufferEnvelopes,
                         StreamBudget streamBudget, long slowConsumerMillis, FairShareRule fairShare) {
}
