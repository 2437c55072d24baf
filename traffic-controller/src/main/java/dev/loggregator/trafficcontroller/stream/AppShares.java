package dev.loggregator.trafficcontroller.stream;

import dev.loggregator.fairness.FairShare;
import dev.loggregator.trafficcontroller.metrics.AppDropReason;
import dev.loggregator.wire.routing.EnvelopeRouting;
import dev.loggregator.wire.routing.V2SourceId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The per-app side of a client's {@link BatchQueue}, for every stream whose records name their app: v1
 * envelopes (the firehose, app streams; the app is the routing key) and v2 records (marshalled for the
 * gRPC egress, protojson for {@code /v2/read}; the app is the source id). Under pressure it decides
 * which envelopes of a batch go in, so the apps sending most lose first ({@link FairShare}, as the
 * Doppler's queues do) and quiet apps keep theirs; and it
 * accounts for every envelope the client loses by app, in {@code doppler_proxy_app_dropped_envelopes_total}
 * and for the drop notices, one per app that lost envelopes, naming it (as the original's TruncatingBuffer
 * named the app of the envelope it dropped). The app of an envelope is read from its bytes only on these
 * paths, never while the queue has room. Used under the queue's lock.
 */
public final class AppShares {
    /** Apps told apart in the notices between two drains; the losses of further apps are told as {@code system}'s. */
    static final int MAX_NOTICED_APPS = 1000;

    /** Where an app's losses are counted: by app and reason (a bounded metric). */
    @FunctionalInterface
    public interface Counter {
        void dropped(String app, AppDropReason reason, long count);
    }

    private final FairShare fairShare; // null: off
    private final Counter counter;
    private final Function<byte[], String> appReader;
    private final Map<String, Long> untold = new LinkedHashMap<>();

    /** A {@code rule} of factor 0: no app is refused before the queue is full, but losses are still accounted per app. */
    private AppShares(FairShareRule rule, Counter counter, Function<byte[], String> appReader) {
        this.fairShare = rule.factor() > 0 ? new FairShare(rule.factor(), rule.maxApps()) : null;
        this.counter = counter;
        this.appReader = appReader;
    }

    /** For a stream of v1 envelopes. */
    public static AppShares v1(FairShareRule rule, Counter counter) {
        return new AppShares(rule, counter, AppShares::v1App);
    }

    /** For a stream of marshalled v2 envelopes (the gRPC egress). */
    public static AppShares v2Protobuf(FairShareRule rule, Counter counter) {
        return new AppShares(rule, counter, V2SourceId::ofProtobuf);
    }

    /** For a stream of v2 envelopes' protojson ({@code /v2/read}). */
    public static AppShares v2Json(FairShareRule rule, Counter counter) {
        return new AppShares(rule, counter, V2SourceId::ofJson);
    }

    /** The app of a record; {@code system} for a record of none or one that does not scan. */
    String appOf(byte[] record) {
        String app = appReader.apply(record);
        return app == null || app.isEmpty() ? EnvelopeRouting.SYSTEM : app;
    }

    /** The routing key of a v1 envelope; null for one that does not scan. */
    private static String v1App(byte[] envelope) {
        try {
            return EnvelopeRouting.read(envelope).appId();
        } catch (RuntimeException notAnEnvelope) {
            return null;
        }
    }

    /** Whether {@code app}'s envelope may go into a queue holding {@code queued} of {@code capacity} (envelopes or bytes). */
    boolean admit(String app, long queued, long capacity, long nowNanos) {
        return fairShare == null || fairShare.admit(app, queued > capacity / 2, queued > capacity - capacity / 8, nowNanos);
    }

    /** Counts {@code count} envelopes of {@code app} lost; {@code tell}: the client is told at its next notice. */
    void lost(String app, AppDropReason reason, long count, boolean tell) {
        counter.dropped(app, reason, count);
        if (tell) {
            String key = untold.size() < MAX_NOTICED_APPS || untold.containsKey(app) ? app : EnvelopeRouting.SYSTEM;
            untold.merge(key, count, Long::sum);
        }
    }

    /** The losses not told yet, by app, in the order they began; forgotten here. */
    Map<String, Long> takeUntold() {
        if (untold.isEmpty()) {
            return Map.of();
        }
        Map<String, Long> taken = new LinkedHashMap<>(untold);
        untold.clear();
        return taken;
    }

    boolean hasUntold() {
        return !untold.isEmpty();
    }
}
