package dev.loggregator.doppler.egress;

import dev.loggregator.doppler.metrics.RefusedConnectionReason;
import dev.loggregator.doppler.metrics.DopplerMetrics;
import dev.loggregator.doppler.net.IdleConnectionCloser;
import dev.loggregator.doppler.routing.Router;
import dev.loggregator.doppler.routing.Subscriptions;
import dev.loggregator.doppler.logcache.LogCacheReads;
import dev.loggregator.doppler.store.AppStore;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** What every egress connection needs, shared by all of them. */
final class EgressContext {
    private final Subscriptions subscriptions;
    private final Router router;
    /** This process's random id: sequence numbers start again with it (LinkSequence). */
    private final String incarnation = Long.toHexString(new java.security.SecureRandom().nextLong());
    private final AppStore store;
    private final LogCacheReads logCache;
    private final DopplerMetrics metrics;
    private final int queueSize;
    private final long linkBufferBytes;
    private final double fairShareFactor;
    private final int linkSilenceSeconds;
    private final Set<Subscriber> links = ConcurrentHashMap.newKeySet();
    /** Live links by the id their Traffic Controller gave them: a re-dial of the same link replaces its predecessor. */
    private final Map<String, Subscriber> linksById = new ConcurrentHashMap<>();
    private final IdleConnectionCloser silentLinkCloser;
    private final Function<String, byte[]> drainReport;

    EgressContext(Subscriptions subscriptions, Router router, AppStore store, LogCacheReads logCache, DopplerMetrics metrics,
                  int queueSize, long linkBufferBytes, double fairShareFactor, int linkSilenceSeconds, Function<String, byte[]> drainReport) {
        this.linkBufferBytes = linkBufferBytes;
        this.linkSilenceSeconds = linkSilenceSeconds;
        this.fairShareFactor = fairShareFactor;
        this.drainReport = drainReport;
        this.subscriptions = subscriptions;
        this.router = router;
        this.store = store;
        this.logCache = logCache;
        this.metrics = metrics;
        this.queueSize = queueSize;
        this.silentLinkCloser = new IdleConnectionCloser(metrics, RefusedConnectionReason.SUBSCRIBER_SILENT, "subscriber");
    }

    Subscriptions subscriptions() {
        return subscriptions;
    }

    Router router() {
        return router;
    }

    String incarnation() {
        return incarnation;
    }

    AppStore store() {
        return store;
    }

    /** Null when the Log Cache store is off. */
    LogCacheReads logCache() {
        return logCache;
    }

    DopplerMetrics metrics() {
        return metrics;
    }

    /** The queue of one app's stream (doppler.message_drain_buffer_size envelopes). */
    SubscriberQueue appStreamQueue() {
        return SubscriberQueue.ofEnvelopes(queueSize);
    }

    /** The queue of a link that carries many apps: a firehose, a Traffic Controller's app streams, a v2 subscription (doppler.link_buffer_bytes). */
    SubscriberQueue linkQueue() {
        return SubscriberQueue.ofBytes(linkBufferBytes);
    }

    /** doppler.fair_share_factor: subscribers shed the apps sending most first; 0 is off. */
    double fairShareFactor() {
        return fairShareFactor;
    }

    Set<Subscriber> links() {
        return links;
    }

    /**
     * Registers {@code subscriber} as link {@code id} (LinkSequence.LINK_PARAMETER) until its channel
     * closes; returns the live link of that id it replaces, or null.
     */
    Subscriber registerLink(String id, Subscriber subscriber) {
        Subscriber previous = linksById.put(id, subscriber);
        subscriber.channel().closeFuture().addListener(f -> linksById.remove(id, subscriber));
        return previous != null && previous.channel().isActive() ? previous : null;
    }

    /** The syslog drains report ({@code GET /drains}) as JSON; the argument is the app asked about, or null for all. */
    Function<String, byte[]> drainReport() {
        return drainReport;
    }

    /**
     * doppler.link_silence_seconds (docs/internal-protocol.md): a link on which nothing (not even a ping) was
     * read and nothing written for this long is closed.
     */
    int linkSilenceSeconds() {
        return linkSilenceSeconds;
    }

    IdleConnectionCloser silentLinkCloser() {
        return silentLinkCloser;
    }
}
