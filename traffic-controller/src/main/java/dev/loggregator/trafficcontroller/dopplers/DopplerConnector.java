package dev.loggregator.trafficcontroller.dopplers;

import dev.loggregator.trafficcontroller.metrics.TrafficControllerMetrics;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Opens subscriptions on the Dopplers of a directory and keeps their links alive: one thread
 * pings every open link every {@code pingSeconds} (the internal protocol's 15 s) and drops a link
 * that has not answered for three intervals, which its subscription then re-dials. Every link runs on
 * one small Netty event loop group, so a subscription costs channels, not threads.
 */
public final class DopplerConnector implements AutoCloseable {
    /** Reading links only splits frames and hands batches on: two threads keep up with every Doppler. */
    private static final int LINK_THREADS = 2;
    private final DopplerDirectory directory;
    private final ScheduledExecutorService scheduler;
    private final TrafficControllerMetrics metrics;
    private final int maxEnvelopeBytes;
    private final DopplerCredentials credentials;
    private final Set<DopplerLink> links = ConcurrentHashMap.newKeySet();
    private final EventLoopGroup loops = new NioEventLoopGroup(LINK_THREADS, new DefaultThreadFactory("tc-doppler-links", true));
    private final ScheduledFuture<?> pinger;
    private final long pongTimeoutNanos;
    private volatile boolean closing;

    public DopplerConnector(DopplerDirectory directory, ScheduledExecutorService scheduler,
                            TrafficControllerMetrics metrics, int maxEnvelopeBytes, int pingSeconds,
                            DopplerCredentials credentials) {
        this.credentials = credentials;
        this.directory = directory;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.maxEnvelopeBytes = maxEnvelopeBytes;
        this.pongTimeoutNanos = TimeUnit.SECONDS.toNanos(3L * pingSeconds);
        this.pinger = scheduler.scheduleWithFixedDelay(this::pingAll, pingSeconds, pingSeconds, TimeUnit.SECONDS);
    }

    /** Opens {@code pathAndQuery} (already URL-encoded) on every Doppler; envelopes go to {@code sink}. */
    public DopplerSubscription subscribe(String pathAndQuery, EnvelopeSink sink) {
        return subscribe(pathAndQuery, LinkFrames.batches(sink, maxEnvelopeBytes));
    }

    /** Like {@link #subscribe(String, EnvelopeSink)}, for links whose frames are read by {@code frames}. */
    public DopplerSubscription subscribe(String pathAndQuery, LinkFrames frames) {
        DopplerSubscription subscription = new DopplerSubscription(this, pathAndQuery, frames);
        subscription.start();
        return subscription;
    }

    private void pingAll() {
        long now = System.nanoTime();
        for (DopplerLink link : links) {
            if (!link.isOpen()) {
                continue;
            }
            if (now - link.lastPongNanos() > pongTimeoutNanos) {
                link.closeConnection(1006, "Doppler did not answer pings");
            } else {
                link.sendPing();
            }
        }
    }

    public DopplerDirectory directory() {
        return directory;
    }

    DopplerCredentials credentials() {
        return credentials;
    }

    EventLoopGroup loops() {
        return loops;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    public int maxEnvelopeBytes() {
        return maxEnvelopeBytes;
    }

    void opened(DopplerLink link) {
        links.add(link);
    }

    void closed(DopplerLink link) {
        links.remove(link);
    }

    boolean closing() {
        return closing;
    }

    void reconnecting() {
        metrics.dopplerReconnect();
    }

    void malformedBatch() {
        metrics.malformedBatch();
    }

    /** Links whose handshake completed and that are not closed. */
    public int openLinks() {
        int open = 0;
        for (DopplerLink link : links) {
            if (link.isOpen()) {
                open++;
            }
        }
        return open;
    }

    @Override
    public void close() {
        closing = true;
        pinger.cancel(false);
        for (DopplerLink link : links) {
            link.close(1001, "Traffic Controller shutting down");
        }
        // Lets the close frames go out before the loops stop.
        loops.shutdownGracefully(50, 1000, TimeUnit.MILLISECONDS);
    }
}
