package dev.loggregator.health;

/** A component's readiness as {@code /health} reports it: only {@link #UP} answers 200. */
public enum HealthStatus {
    STARTING,
    UP,
    DRAINING
}
