package dev.loggregator.e2e.bench;

import com.google.protobuf.ByteString;
import dev.loggregator.e2e.deployment.LoopbackDeployment;
import dev.loggregator.e2e.ingress.V2Envelopes;
import dev.loggregator.e2e.launcher.ManagedProcess;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;

/**
 * What a stored envelope costs the Doppler that keeps it for Log Cache: app logs whose marshalled v2
 * form is exactly 200 bytes go into an empty store, by the Doppler's own accounting ({@code
 * doppler_log_cache_bytes} / {@code _envelopes}) and by its live heap after a full GC ({@link LiveHeap}).
 * The heap is measured between two fills, the first of which has already filled the Doppler's replay
 * ring and its per-app recent logs with envelopes of the same size, so the difference is the store's.
 */
final class LogCacheHeap {
    static final int ENVELOPE_BYTES = 200;
    static final int PER_SOURCE = 100_000;
    private static final int WARM = 60_000;

    /** Source ids of one length, so every envelope has the same size. */
    final List<String> sources;
    final LoadGenerator.Shape shape;
    private final String warmSource;

    LogCacheHeap() {
        String run = UUID.randomUUID().toString();
        sources = List.of("lc-" + run + "-1", "lc-" + run + "-2", "lc-" + run + "-3");
        warmSource = "lc-" + run + "-0";
        shape = sized(ENVELOPE_BYTES);
    }

    /** Logs of the given marshalled size: the 200-byte payload of the other scenarios cut to fit. */
    static LoadGenerator.Shape sized(int bytes) {
        for (int payload = 0; payload < bytes; payload++) {
            ByteString text = LoadGenerator.PAYLOAD.substring(0, Math.min(payload, LoadGenerator.PAYLOAD.size()));
            Envelope probe = V2Envelopes.log("lc-" + UUID.randomUUID() + "-0", "0", "APP/PROC/WEB", Log.Type.OUT, text,
                    BenchClock.now());
            if (probe.getSerializedSize() == bytes) {
                return (app, timestamp) -> V2Envelopes.log(app, "0", "APP/PROC/WEB", Log.Type.OUT, text, timestamp);
            }
        }
        throw new IllegalArgumentException("no log envelope of exactly " + bytes + " bytes");
    }

    /** Fills the store ({@link #sources} then hold {@link #PER_SOURCE} each) and reports what a stored envelope costs. */
    ResultTable measure(LoopbackDeployment deployment) {
        ResultTable table = new ResultTable("8c-log-cache-heap",
                "heap per stored log envelope of " + ENVELOPE_BYTES + " bytes (marshalled v2), Doppler with default settings");
        List<ManagedProcess> dopplers = BenchContext.dopplers(deployment);
        long pid = dopplers.get(0).pid();
        fill(deployment, List.of(warmSource), WARM);
        awaitStored(dopplers, WARM);
        long expiredBefore = ComponentMetrics.sum(dopplers, "doppler_log_cache_budget_expired_total");
        long droppedBefore = ComponentMetrics.sum(dopplers, "doppler_dropped_envelopes_total");
        long heap0 = LiveHeap.bytes(pid);
        long bytes0 = ComponentMetrics.sum(dopplers, "doppler_log_cache_bytes");
        long stored0 = ComponentMetrics.sum(dopplers, "doppler_log_cache_envelopes");
        for (String source : sources) {
            fill(deployment, List.of(source), PER_SOURCE);
        }
        awaitStored(dopplers, stored0 + (long) PER_SOURCE * sources.size());
        long heap1 = LiveHeap.bytes(pid);
        long bytes1 = ComponentMetrics.sum(dopplers, "doppler_log_cache_bytes");
        long stored1 = ComponentMetrics.sum(dopplers, "doppler_log_cache_envelopes");
        long added = stored1 - stored0;
        Map<String, Object> row = table.row();
        row.put("envelopes added", added);
        row.put("envelope bytes", (long) ENVELOPE_BYTES);
        row.put("store accounting bytes/env", (double) (bytes1 - bytes0) / added);
        row.put("live heap bytes/env", (double) (heap1 - heap0) / added);
        row.put("live heap / envelope size", (double) (heap1 - heap0) / added / ENVELOPE_BYTES);
        row.put("live heap before MiB", heap0 / 1048576.0);
        row.put("live heap after MiB", heap1 / 1048576.0);
        double ratio = (double) (heap1 - heap0) / added / ENVELOPE_BYTES;
        table.summary.put("live heap bytes per stored envelope", (double) (heap1 - heap0) / added);
        table.summary.put("ratio to its serialized size", ratio);
        table.notes.add(String.format("heap per stored %d-byte envelope: %.1f bytes = %.2fx (target <= 1.5x: %s)",
                ENVELOPE_BYTES, (double) (heap1 - heap0) / added, ratio, ratio <= 1.5 ? "met" : "NOT met"));
        long expired = ComponentMetrics.sum(dopplers, "doppler_log_cache_budget_expired_total") - expiredBefore;
        long dropped = ComponentMetrics.sum(dopplers, "doppler_dropped_envelopes_total") - droppedBefore;
        if (expired != 0 || dropped != 0) {
            table.notes.add("while filling, " + expired + " envelopes expired by the budget and " + dropped
                    + " were dropped: the figures above are not clean");
        }
        return table;
    }

    private void fill(LoopbackDeployment deployment, List<String> apps, int count) {
        try (LoadGenerator generator = new LoadGenerator(List.of(deployment.ingress(0)), apps, shape).distinctTimestamps()) {
            long sent = 0;
            while (sent < count) {
                // At most 100,000/s: a cold generator may fall behind, and then sends the rest in another round.
                sent += generator.run(100_000, (count - sent + 0.5) / 100_000.0, 100);
            }
        }
    }

    private static void awaitStored(List<ManagedProcess> dopplers, long atLeast) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (ComponentMetrics.sum(dopplers, "doppler_log_cache_envelopes") < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the store did not reach " + atLeast + " envelopes within 60 s");
            }
            LockSupport.parkNanos(200_000_000);
        }
    }
}
