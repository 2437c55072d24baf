package dev.loggregator.doppler.egress;

import dev.loggregator.doppler.metrics.RefusedConnectionReason;
import dev.loggregator.doppler.metrics.DopplerMetrics;
import dev.loggregator.doppler.net.IdleConnectionCloser;
import dev.loggregator.doppler.routing.Subscriptions;
import dev.loggregator.doppler.store.AppStore;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** What every egress connection needs, shared by all of them. */
final class EgressContext {
    /** docs/internal-protocol.md: a link from which nothing (not even a ping) was read for this long is closed. */
    static final int LINK_SILENCE_SECONDS = 45;

    private final Subscriptions subscriptions;
    private final AppStore store;
    private final DopplerMetrics metrics;
    private final int queueSize;
    private final Set<Subscriber> links = ConcurrentHashMap.newKeySet();
    private final IdleConnectionCloser silentLinkCloser;
    private final Function<String, byte[]> drainReport;

    EgressContext(Subscriptions subscriptions, AppStore store, DopplerMetrics metrics, int queueSize,
                  Function<String, byte[]> drainReport) {
        this.drainReport = drainReport;
        this.subscriptions = subscriptions;
        this.store = store;
        this.metrics = metrics;
        this.queueSize = queueSize;
        this.silentLinkCloser = new IdleConnectionCloser(metrics, RefusedConnectionReason.SUBSCRIBER_SILENT, "subscriber");
    }

    Subscriptions subscriptions() {
        return subscriptions;
    }

    AppStore store() {
        return store;
    }

    DopplerMetrics metrics() {
        return metrics;
    }

    int queueSize() {
        return queueSize;
    }

    Set<Subscriber> links() {
        return links;
    }

    /** The syslog drains report ({@code GET /drains}) as JSON; the argument is the app asked about, or null for all. */
    Function<String, byte[]> drainReport() {
        return drainReport;
    }

    IdleConnectionCloser silentLinkCloser() {
        return silentLinkCloser;
    }
}
