package dev.loggregator.doppler.routing;

import dev.loggregator.doppler.logging.RateLimitedLog;
import dev.loggregator.doppler.logcache.LogCacheStore;
import dev.loggregator.doppler.metrics.DropReason;
import dev.loggregator.doppler.ratelimit.LogRateLimits;
import dev.loggregator.doppler.store.AppStore;
import dev.loggregator.fairness.FairShare;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that takes envelopes from the ingress buffer, records them in the store and
 * offers them to subscriptions and syslog drains. Everything it calls is non-blocking, so its pace is set by CPU
 * alone and a slow subscriber cannot hold it up.
 */
public final class Router {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);
    private static final int DRAIN_LIMIT = 1024;

    private final IngressBuffer buffer;
    private final AppStore store;
    private final LogCacheStore logCache;
    private final Subscriptions subscriptions;
    private final ReplayRing replay;
    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final EnvelopeSink drains;
    private final RateLimitedLog failureLog = new RateLimitedLog(LOG);
    private final Thread thread;
    private volatile boolean running = true;
    private long sequence; // router thread only
    private final FairShare fairShare; // null: shed nobody in particular
    private final OverloadNotices overloadNotices; // every app's drops and their notices
    private final LogRateLimits logRateLimits; // null: no app has a limit
    /* Made once: a method reference written at each call allocates there, one per envelope on this thread. */
    private final Consumer<RoutedEnvelope> route = this::route;
    private final Consumer<RoutedEnvelope> routeOwn = this::routeOwn;

    /**
     * {@code logCache} may be null (the Log Cache store is off); the last {@code replayEnvelopes}
     * envelopes (at most {@code replaySeconds} old) are kept for links that come back.
     */
    public Router(IngressBuffer buffer, AppStore store, LogCacheStore logCache, Subscriptions subscriptions,
                  int replayEnvelopes, long replaySeconds, FairShare fairShare, OverloadNotices overloadNotices,
                  EnvelopeSink drains, LogRateLimits logRateLimits) {
        this.logRateLimits = logRateLimits;
        this.fairShare = fairShare;
        this.overloadNotices = overloadNotices;
        this.buffer = buffer;
        this.store = store;
        this.logCache = logCache;
        this.subscriptions = subscriptions;
        this.replay = new ReplayRing(replayEnvelopes, TimeUnit.SECONDS.toNanos(replaySeconds));
        this.drains = drains;
        this.thread = new Thread(this::run, "doppler-router");
    }

    public void start() {
        thread.start();
    }

    private void run() {
        while (running) {
            runCommands();
            buffer.drainOrPark(route, DRAIN_LIMIT);
        }
        runCommands();
        // Stopped: ingress is closed by now, so deliver what is still queued and end.
        while (!buffer.isEmpty()) {
            buffer.drainOrPark(route, DRAIN_LIMIT);
        }
    }

    private void route(RoutedEnvelope envelope) {
        try {
            long now = System.nanoTime();
            // An app's own limit first: what it may not send at all does not count against its fair share.
            if (logRateLimits != null && !logRateLimits.admit(envelope, now, routeOwn)) {
                overloadNotices.limited(envelope.appId());
                return;
            }
            if (fairShare != null) {
                String app = IngressGate.appOf(envelope);
                // Falling behind: shed the apps sending most before the buffer fills and sheds everyone.
                if (!fairShare.admit(app, buffer.size() > buffer.capacity() / 2, now)) {
                    overloadNotices.shed(app, DropReason.FAIR_SHARE);
                    return;
                }
            }
            if (overloadNotices.due(now)) {
                overloadNotices.emit(now, routeOwn);
            }
            routeNumbered(envelope, now);
        } catch (RuntimeException e) {
            // A bug must cost one envelope, never the router thread.
            failureLog.warn("Cannot route an envelope for app {}: {}", envelope.appId(), e.toString());
        }
    }

    private void routeOwn(RoutedEnvelope envelope) {
        routeNumbered(envelope, System.nanoTime());
    }

    private void routeNumbered(RoutedEnvelope envelope, long now) {
        envelope.sequence(++sequence);
        replay.add(envelope, now);
        store.add(envelope);
        if (logCache != null) {
            logCache.add(envelope, now);
        }
        subscriptions.dispatch(envelope);
        drains.accept(envelope);
        envelope.routed();
    }

    /**
     * Puts every limited app instance's {@code log_rate}/{@code log_rate_limit} gauge into its app's stream;
     * called every {@code intervalNanos} (the Doppler's metrics interval).
     */
    public void reportLogRates(long intervalNanos) {
        if (logRateLimits != null) {
            submit(() -> logRateLimits.reportRates(intervalNanos, this::routeOwn));
        }
    }

    /** Runs {@code command} on the router thread, between envelopes (in the order submitted). */
    public void submit(Runnable command) {
        commands.add(command);
        LockSupport.unpark(thread);
    }

    private void runCommands() {
        Runnable command;
        while ((command = commands.poll()) != null) {
            try {
                command.run();
            } catch (RuntimeException e) {
                failureLog.warn("A routing command failed: {}", e.toString());
            }
        }
    }

    /**
     * A subscriber of a shared group that comes back after a break: when the group has no other
     * member now, it first gets from the replay ring what the group had after {@code after} (the
     * last sequence number its old link read: whatever the old link was still given, or nobody was,
     * never reached it); what the ring no longer holds is told to it as lost. When other members are
     * there, they took the stream meanwhile and nothing is replayed. Returns the handle that removes
     * it (also through the router).
     */
    public Runnable resumeShared(String api, String subscription, Object matcherKey, EnvelopeMatcher matcher,
                                 EnvelopeSubscriber subscriber, long after) {
        Runnable[] remove = new Runnable[1];
        submit(() -> {
            if (subscriptions.sharedMembers(api, subscription, matcherKey) == 0) {
                long lost = replay.replayAfter(after, sequence, System.nanoTime(), envelope -> {
                    if (matcher.accepts(envelope) && !subscriber.offer(envelope)) {
                        subscriber.dropped(envelope);
                    }
                });
                subscriber.lost(lost);
            }
            remove[0] = subscriptions.addShared(api, subscription, matcherKey, matcher, subscriber);
        });
        return () -> submit(() -> {
            if (remove[0] != null) {
                remove[0].run();
            }
        });
    }

    /**
     * An app-stream subscriber that comes back after a break: the app's envelopes after {@code after}
     * first; what the ring no longer holds is told to it as lost for that app (an upper bound: the
     * ring does not know which app the envelopes it let go were for).
     */
    public Runnable resumeApp(String appId, EnvelopeSubscriber subscriber, long after) {
        submit(() -> {
            long lost = replay.replayAfter(after, sequence, System.nanoTime(), envelope -> {
                if (appId.equals(envelope.appId()) && !subscriber.offer(envelope)) {
                    subscriber.dropped(envelope);
                }
            });
            subscriber.lost(appId, lost);
            subscriptions.addAppStream(appId, subscriber);
        });
        return () -> submit(() -> subscriptions.removeAppStream(appId, subscriber));
    }

    /** Stops after routing everything queued so far; waits up to {@code timeout}. */
    public void stop(long timeout, TimeUnit unit) throws InterruptedException {
        running = false;
        LockSupport.unpark(thread);
        thread.join(unit.toMillis(timeout));
    }
}
