package dev.loggregator.doppler.routing;

import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;

/**
 * One envelope as it travels through the Doppler: its serialized v1 bytes, produced once at
 * ingress, and the routing key read once from them. Nothing downstream parses or re-encodes it.
 */
public record RoutedEnvelope(String appId, EventType eventType, byte[] bytes) {
}
