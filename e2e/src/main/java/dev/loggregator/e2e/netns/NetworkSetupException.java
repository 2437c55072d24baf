package dev.loggregator.e2e.netns;

/** A namespace, link, rule or helper process of a test network could not be set up. */
public final class NetworkSetupException extends RuntimeException {
    public NetworkSetupException(String message) {
        super(message);
    }
}
