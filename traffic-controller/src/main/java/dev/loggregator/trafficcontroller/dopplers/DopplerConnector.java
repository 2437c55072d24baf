package dev.loggregator.trafficcontroller.dopplers;

import dev.loggregator.trafficcontroller.metrics.TrafficControllerMetrics;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Opens subscriptions on the Dopplers of a directory and keeps their links alive: one thread looks
 * at every open link every {@code ping} interval, pings those that have been quiet that long (a busy
 * link proves itself with frames), and hands one that has been silent for {@code stall} to its
 * subscription, which re-dials it ({@link DopplerSubscription#stalled}). A retired link, which only
 * delivers what its Doppler still held for it, may stay silent for {@link #RETIRED_SILENCE} (until a
 * partition heals, say) before it is dropped. Every link runs on one small Netty event loop group, so
 * a subscription costs channels, not threads.
 */
public final class DopplerConnector implements AutoCloseable {
    static final Duration RETIRED_SILENCE = Duration.ofSeconds(45);
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
    private final long pingNanos;
    private final long stallNanos;
    private volatile boolean closing;

    public DopplerConnector(DopplerDirectory directory, ScheduledExecutorService scheduler,
                            TrafficControllerMetrics metrics, int maxEnvelopeBytes, Duration ping, Duration stall,
                            DopplerCredentials credentials) {
        this.credentials = credentials;
        this.directory = directory;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.maxEnvelopeBytes = maxEnvelopeBytes;
        this.pingNanos = ping.toNanos();
        this.stallNanos = stall.toNanos();
        this.pinger = scheduler.scheduleWithFixedDelay(this::pingAll, ping.toMillis(), ping.toMillis(), TimeUnit.MILLISECONDS);
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
            long silent = now - link.lastHeardNanos();
            if (link.retired()) {
                if (silent > RETIRED_SILENCE.toNanos()) {
                    link.closeConnection(1006, "Doppler did not answer pings");
                    continue;
                }
            } else if (silent > stallNanos) {
                link.subscription().stalled(link);
            }
            if (silent >= pingNanos && link.isOpen()) {
                try {
                    link.sendPing();
                } catch (RuntimeException e) {
                    // Closed between the check and the ping: its subscription re-dials.
                }
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

    /**
     * The Traffic Controller is stopping: nothing is re-dialled from now on, every group link (firehose,
     * v2) is asked to retire, so its group's members on other Traffic Controllers take the stream at
     * once, and this returns once the Dopplers have written what they still held for those links and
     * closed them, or {@code max} has passed. Clients are still being served meanwhile.
     */
    public void handOver(Duration max) {
        closing = true;
        for (DopplerLink link : links) {
            if (link.isOpen() && !link.retired()) {
                link.subscription().handOver(link);
            }
        }
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() - deadline < 0 && links.stream().anyMatch(l -> l.retired() && l.isOpen())) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
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
