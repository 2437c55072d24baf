package dev.loggregator.trafficcontroller.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers of an external check kept for a few seconds, so a reconnecting nozzle or a polling CLI does
 * not ask the Cloud Controller every time: bounded, and when full the expired entries go first and,
 * if none had expired, everything.
 */
final class ExpiringCache<V> {
    private record Entry<V>(V value, long at) {
    }

    private final long ttlNanos;
    private final int maxEntries;
    private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();

    ExpiringCache(long ttlNanos, int maxEntries) {
        this.ttlNanos = ttlNanos;
        this.maxEntries = maxEntries;
    }

    /** The value kept for {@code key}, or null when there is none younger than the time to live. */
    V get(String key, long nowNanos) {
        Entry<V> entry = entries.get(key);
        return entry != null && nowNanos - entry.at() < ttlNanos ? entry.value() : null;
    }

    void put(String key, V value, long nowNanos) {
        if (entries.size() >= maxEntries) {
            entries.values().removeIf(entry -> nowNanos - entry.at() >= ttlNanos);
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
        }
        entries.put(key, new Entry<>(value, nowNanos));
    }
}
