package dev.loggregator.trafficcontroller.stream;

/**
 * How a client's stream sheds under pressure: {@code factor} (the manifest's {@code fair_share_factor}; 0
 * turns it off) and {@code maxApps}, the apps counted per 100 ms window ({@code fair_share_max_apps}; further
 * apps of that window are admitted uncounted, so a flood of distinct source ids costs bounded memory).
 */
public record FairShareRule(double factor, int maxApps) {
}
