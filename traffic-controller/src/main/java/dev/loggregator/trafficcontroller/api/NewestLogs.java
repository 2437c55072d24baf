package dev.loggregator.trafficcontroller.api;

import dev.loggregator.wire.MalformedEnvelopeException;
import dev.loggregator.wire.routing.EnvelopeTimestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The newest {@code limit} of the log envelopes gathered from all Dopplers, by envelope
 * timestamp, for {@code recentlogs?limit=N}. What is kept stays in the order gathered (Doppler
 * by Doppler, each Doppler's oldest first), so a limited answer is the unlimited one with its
 * oldest envelopes left out. Not sorting keeps the Doppler-era TC's unsorted answer (the
 * Gateway era's came newest first from Log Cache); clients sort by timestamp themselves, as the
 * cf CLI does. Timestamps are scanned from the bytes, which are sent on unchanged; an envelope
 * without one counts as stamped 0, as {@code Envelope.getTimestamp()} reads it.
 */
final class NewestLogs {
    private NewestLogs() {
    }

    static List<byte[]> select(List<byte[]> envelopes, int limit) {
        int count = envelopes.size();
        if (count <= limit) {
            return envelopes;
        }
        if (limit == 0) {
            return List.of();
        }
        long[] timestamps = new long[count];
        for (int i = 0; i < count; i++) {
            timestamps[i] = timestampOf(envelopes.get(i));
        }
        long[] ascending = timestamps.clone();
        Arrays.sort(ascending);
        // Everything newer than the cut is kept; of the envelopes stamped exactly at the cut, only
        // as many as fit, the last gathered first (within a Doppler, the last to arrive).
        int firstKept = count - limit;
        long cut = ascending[firstKept];
        int atCutToKeep = 0;
        for (int i = firstKept; i < count && ascending[i] == cut; i++) {
            atCutToKeep++;
        }
        boolean[] keep = new boolean[count];
        for (int i = count - 1; i >= 0; i--) {
            if (timestamps[i] > cut) {
                keep[i] = true;
            } else if (timestamps[i] == cut && atCutToKeep > 0) {
                keep[i] = true;
                atCutToKeep--;
            }
        }
        List<byte[]> newest = new ArrayList<>(limit);
        for (int i = 0; i < count; i++) {
            if (keep[i]) {
                newest.add(envelopes.get(i));
            }
        }
        return newest;
    }

    /** Dopplers validated every envelope at ingress; should one still be unreadable, it counts as the oldest. */
    private static long timestampOf(byte[] envelope) {
        try {
            return EnvelopeTimestamp.read(envelope);
        } catch (MalformedEnvelopeException e) {
            return Long.MIN_VALUE;
        }
    }
}
