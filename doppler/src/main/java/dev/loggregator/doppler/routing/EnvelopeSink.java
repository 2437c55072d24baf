package dev.loggregator.doppler.routing;

/**
 * Something besides the store and the subscriptions that the router hands every envelope to
 * (the syslog drains). Called on the router thread: it must never block.
 */
@FunctionalInterface
public interface EnvelopeSink {
    void accept(RoutedEnvelope envelope);
}
