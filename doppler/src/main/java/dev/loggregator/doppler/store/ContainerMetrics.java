package dev.loggregator.doppler.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The newest ContainerMetric envelope per instance index of one app. "Newest" is by envelope
 * timestamp, as the original Doppler kept it; expiry is by the time this Doppler received the
 * envelope, so an agent with a skewed clock neither loses nor immortalises its metrics.
 * Not thread-safe: {@link AppStore} guards it.
 */
final class ContainerMetrics {
    private record Entry(long timestamp, long receivedNanos, byte[] envelope) {
    }

    private final Map<Integer, Entry> byInstance = new HashMap<>(4);

    /** Returns the change in retained bytes. */
    long put(int instanceIndex, long timestamp, long receivedNanos, byte[] envelope, long ttlNanos) {
        Entry old = byInstance.get(instanceIndex);
        if (old != null && old.timestamp() > timestamp && receivedNanos - old.receivedNanos() < ttlNanos) {
            return 0;
        }
        byInstance.put(instanceIndex, new Entry(timestamp, receivedNanos, envelope));
        return envelope.length - (old == null ? 0L : old.envelope().length);
    }

    List<byte[]> fresh(long nowNanos, long ttlNanos) {
        List<byte[]> out = new ArrayList<>(byInstance.size());
        for (Entry entry : byInstance.values()) {
            if (nowNanos - entry.receivedNanos() < ttlNanos) {
                out.add(entry.envelope());
            }
        }
        return out;
    }

    int size() {
        return byInstance.size();
    }

    long bytes() {
        long total = 0;
        for (Entry entry : byInstance.values()) {
            total += entry.envelope().length;
        }
        return total;
    }
}
