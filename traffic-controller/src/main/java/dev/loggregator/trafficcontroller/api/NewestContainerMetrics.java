package dev.loggregator.trafficcontroller.api;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;

/**
 * Container metrics from several Dopplers, de-duplicated per instance index keeping the newest
 * envelope timestamp (the original TC's behaviour, loggregator-v1-reference §2.5).
 */
final class NewestContainerMetrics {
    private NewestContainerMetrics() {
    }

    static List<byte[]> select(List<byte[]> envelopes) {
        Map<Integer, byte[]> newest = new LinkedHashMap<>();
        Map<Integer, Long> newestAt = new LinkedHashMap<>();
        for (byte[] bytes : envelopes) {
            Envelope envelope;
            try {
                envelope = Envelope.parseFrom(bytes);
            } catch (InvalidProtocolBufferException e) {
                continue;
            }
            if (!envelope.hasContainerMetric()) {
                continue;
            }
            int instance = envelope.getContainerMetric().getInstanceIndex();
            long at = envelope.getTimestamp();
            Long previous = newestAt.get(instance);
            if (previous == null || at > previous) {
                newest.put(instance, bytes);
                newestAt.put(instance, at);
            }
        }
        return new ArrayList<>(newest.values());
    }
}
