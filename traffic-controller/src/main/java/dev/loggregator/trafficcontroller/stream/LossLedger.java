package dev.loggregator.trafficcontroller.stream;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What clients lost when they were cut as slow consumers, kept for their next connection: a client
 * that stopped reading cannot be told over a socket full of older data, so the notice waits here and
 * is the first thing the next stream of the same subscription (same endpoint, id and user) says, as
 * Loki tells a tail what it dropped. Bounded: the oldest entries go first.
 */
public final class LossLedger {
    private final Map<String, Long> lost;

    /** {@code maxEntries}: the subscriptions whose losses are kept at once; beyond, the oldest is forgotten. */
    public LossLedger(int maxEntries) {
        lost = new LinkedHashMap<>(64, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** The key of a subscription: its endpoint, its subscription id or app id, and who reads it. */
    public static String key(String endpoint, String subscription, String user) {
        return endpoint + '\n' + subscription + '\n' + user;
    }

    public synchronized void record(String key, long count) {
        if (count > 0) {
            lost.merge(key, count, Long::sum);
        }
    }

    /** What the subscription lost before, now told (0 when nothing). */
    public synchronized long take(String key) {
        Long count = lost.remove(key);
        return count == null ? 0 : count;
    }
}
