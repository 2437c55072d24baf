package dev.loggregator.e2e.bench;

import com.google.protobuf.ByteString;
import dev.loggregator.e2e.ingress.V2Envelopes;
import dev.loggregator.e2e.ingress.V2IngressClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;

/**
 * Offers v2 log envelopes with 200-byte payloads at a fixed rate over one BatchSender stream,
 * paced against the clock (not per message), spread round-robin over a set of app ids. Each
 * envelope's timestamp is the {@link BenchClock} time it was handed to gRPC, so a consumer in
 * this JVM can measure one-way latency.
 */
final class LoadGenerator {
    static final ByteString PAYLOAD = ByteString.copyFromUtf8("x".repeat(200));

    private final V2IngressClient ingress;
    private final List<String> apps;

    LoadGenerator(V2IngressClient ingress, List<String> apps) {
        this.ingress = ingress;
        this.apps = List.copyOf(apps);
    }

    /** Sends at {@code perSecond} for {@code seconds}; returns how many were sent (the achieved offered load). */
    long run(int perSecond, double seconds, int batchSize) {
        long total = (long) (perSecond * seconds);
        long start = System.nanoTime();
        long sent = 0;
        int app = 0;
        List<Envelope> batch = new ArrayList<>(batchSize);
        while (sent < total) {
            long due = start + (long) (sent * 1e9 / perSecond);
            long wait = due - System.nanoTime();
            if (wait > 20_000) {
                LockSupport.parkNanos(wait);
            }
            int n = (int) Math.min(batchSize, total - sent);
            long timestamp = BenchClock.now();
            batch.clear();
            for (int i = 0; i < n; i++) {
                batch.add(V2Envelopes.log(apps.get(app), "0", "APP/PROC/WEB", Log.Type.OUT, PAYLOAD, timestamp));
                app = app + 1 == apps.size() ? 0 : app + 1;
            }
            ingress.send(batch);
            sent += n;
            if (System.nanoTime() - start > seconds * 1e9 * 1.5) {
                break; // could not keep up: report what was achieved
            }
        }
        return sent;
    }

    static List<String> apps(String prefix, int n) {
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = prefix + "-" + i;
        }
        return Arrays.asList(ids);
    }
}
