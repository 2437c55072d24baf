package dev.loggregator.doppler.routing;

import dev.loggregator.doppler.logging.RateLimitedLog;
import dev.loggregator.doppler.store.AppStore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
    private final Subscriptions subscriptions;
    private final EnvelopeSink drains;
    private final RateLimitedLog failureLog = new RateLimitedLog(LOG);
    private final Thread thread;
    private volatile boolean running = true;

    public Router(IngressBuffer buffer, AppStore store, Subscriptions subscriptions, EnvelopeSink drains) {
        this.buffer = buffer;
        this.store = store;
        this.subscriptions = subscriptions;
        this.drains = drains;
        this.thread = new Thread(this::run, "doppler-router");
    }

    public void start() {
        thread.start();
    }

    private void run() {
        while (running) {
            buffer.drainOrPark(this::route, DRAIN_LIMIT);
        }
        // Stopped: ingress is closed by now, so deliver what is still queued and end.
        while (!buffer.isEmpty()) {
            buffer.drainOrPark(this::route, DRAIN_LIMIT);
        }
    }

    private void route(RoutedEnvelope envelope) {
        try {
            store.add(envelope);
            subscriptions.dispatch(envelope);
            drains.accept(envelope);
        } catch (RuntimeException e) {
            // A bug must cost one envelope, never the router thread.
            failureLog.warn("Cannot route an envelope for app {}: {}", envelope.appId(), e.toString());
        }
    }

    /** Stops after routing everything queued so far; waits up to {@code timeout}. */
    public void stop(long timeout, TimeUnit unit) throws InterruptedException {
        running = false;
        LockSupport.unpark(thread);
        thread.join(unit.toMillis(timeout));
    }
}
