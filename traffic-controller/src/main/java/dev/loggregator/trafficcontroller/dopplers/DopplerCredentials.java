package dev.loggregator.trafficcontroller.dopplers;

import java.util.Map;

/**
 * What a Traffic Controller presents to Dopplers' egress port: {@code Authorization: Bearer
 * <properties.internal_secret>} on every link and query, or nothing when no secret is set.
 */
public record DopplerCredentials(Map<String, String> headers) {
    public static DopplerCredentials of(String internalSecret) {
        return new DopplerCredentials(internalSecret.isEmpty() ? Map.of() : Map.of("Authorization", "Bearer " + internalSecret));
    }
}
