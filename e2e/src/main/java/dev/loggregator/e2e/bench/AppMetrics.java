package dev.loggregator.e2e.bench;

import dev.loggregator.e2e.ingress.V2Envelopes;
import dev.loggregator.wire.ingress.V2IngressClient;
import java.util.ArrayList;
import java.util.List;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;

/**
 * The metrics of one app for the promql scenario, on a fixed grid of whole seconds so every answer
 * can be checked exactly: each instance sends a {@code requests} counter every {@value #INTERVAL_SECONDS} s
 * that grows by {@code instance + 1} per second, and Diego's container metrics (gauges {@code cpu},
 * {@code memory}, {@code disk} and quotas) every {@value #GAUGE_SECONDS} s with {@code cpu} at
 * {@code 10.5 + instance}. Samples lie at {@code origin - k * INTERVAL_SECONDS}: the history is sent
 * with timestamps in the past (v2 ingress keeps the sender's timestamp) and live samples continue the grid.
 */
final class AppMetrics {
    static final int INTERVAL_SECONDS = 5;
    static final int GAUGE_SECONDS = 15;
    /** The counters' total at {@code origin}: large enough that no sample of the history is negative. */
    private static final long TOTAL_AT_ORIGIN = 10_000_000;

    private final String app;
    private final int instances;
    private final long origin;

    AppMetrics(String app, int instances, long originSecond) {
        this.app = app;
        this.instances = instances;
        this.origin = originSecond;
    }

    String app() {
        return app;
    }

    long origin() {
        return origin;
    }

    static double cpu(int instance) {
        return 10.5 + instance;
    }

    /** What {@code rate(requests[...])} of an instance is: the counter's growth per second. */
    static double requestRate(int instance) {
        return instance + 1;
    }

    /** Sends the samples of the {@code seconds} before the origin, and the origin's, oldest first. */
    void sendHistory(V2IngressClient sender, int seconds) {
        List<Envelope> batch = new ArrayList<>();
        for (long second = origin - seconds / INTERVAL_SECONDS * INTERVAL_SECONDS; second <= origin; second += INTERVAL_SECONDS) {
            batch.addAll(at(second));
            if (batch.size() >= 500) {
                sender.send(batch);
                batch = new ArrayList<>();
            }
        }
        if (!batch.isEmpty()) {
            sender.send(batch);
        }
        sender.flush();
    }

    /** Every instance's samples at {@code second}, which must be on the grid. */
    List<Envelope> at(long second) {
        long timestamp = second * 1_000_000_000L;
        boolean gauges = Math.floorMod(origin - second, GAUGE_SECONDS) == 0;
        List<Envelope> envelopes = new ArrayList<>(instances * 2);
        for (int instance = 0; instance < instances; instance++) {
            long total = TOTAL_AT_ORIGIN + (long) requestRate(instance) * (second - origin);
            envelopes.add(V2Envelopes.counter(app, "requests", (long) requestRate(instance) * INTERVAL_SECONDS, total, timestamp)
                    .toBuilder().setInstanceId(Integer.toString(instance)).build());
            if (gauges) {
                envelopes.add(V2Envelopes.containerMetric(app, instance, cpu(instance), 256L << 20, 512L << 20, timestamp));
            }
        }
        return envelopes;
    }
}
