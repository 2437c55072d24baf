package dev.loggregator.trafficcontroller.connections;

/**
 * What one client may hold of the API listener: connections ({@code gate}), how long a request may
 * take to arrive and a kept-alive connection may idle, and streams per token and subscription.
 */
public record ClientLimits(ConnectionGate gate, long requestTimeoutMillis, long idleTimeoutMillis, StreamQuota streams) {
}
