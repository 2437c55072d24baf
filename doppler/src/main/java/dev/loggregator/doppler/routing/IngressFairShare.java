package dev.loggregator.doppler.routing;

import dev.loggregator.doppler.metrics.DropReason;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fairness where the shedding really happens: on the ingress threads, before an envelope takes room in the
 * shared {@link IngressBuffer}. While the buffer is more than half full it counts what each app put in it
 * in short windows (a bounded concurrent map) and refuses an app that would put in more than {@code factor}
 * times the average of the other apps in the window; once it is more than three quarters full, any app
 * above the others' average (give or take a few envelopes) is refused: an app sending ten times its share
 * keeps its share (a deficit-style cap), not nothing, so the buffer's last room is kept for the apps
 * sending least and a full buffer, which sheds every app alike, is reached only when every app is at or
 * below its share. Every envelope refused or shed is counted per app and told in its stream
 * ({@link OverloadNotices}). Without pressure it reads no clock and counts nothing. Any thread.
 */
public final class IngressFairShare implements IngressGate {
    private static final long WINDOW_NANOS = 100_000_000L;
    /** Offers every app may make in a window whatever the average, so a few envelopes never count as noise. */
    private static final long SLACK = 16;

    private final double factor;
    private final int maxApps;
    private final OverloadNotices notices;
    private final Map<String, AtomicLong> admitted = new ConcurrentHashMap<>();
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong windowStart = new AtomicLong(System.nanoTime());
    private volatile boolean counting;

    /**
     * {@code factor} 0 refuses nobody (only accounts for what a full buffer sheds); {@code maxApps} bounds
     * the apps counted per window, beyond it further apps are admitted uncounted.
     */
    public IngressFairShare(double factor, int maxApps, OverloadNotices notices) {
        this.factor = factor;
        this.maxApps = maxApps;
        this.notices = notices;
    }

    @Override
    public boolean admit(RoutedEnvelope envelope, int queued, int capacity) {
        if (factor == 0) {
            return true;
        }
        if (queued <= capacity / 2) {
            if (counting) {
                long now = System.nanoTime();
                if (now - windowStart.get() > WINDOW_NANOS) {
                    newWindow(now);
                }
            }
            return true;
        }
        String app = IngressGate.appOf(envelope);
        if (app == null || admit(app, queued > capacity - capacity / 4, System.nanoTime())) {
            return true;
        }
        notices.shed(app, DropReason.FAIR_SHARE);
        return false;
    }

    /** The rule, under pressure; {@code nearlyFull} makes it strict. Package-private for tests (time by hand). */
    boolean admit(String app, boolean nearlyFull, long nowNanos) {
        long start = windowStart.get();
        if (nowNanos - start > WINDOW_NANOS) {
            newWindow(nowNanos);
        }
        counting = true;
        AtomicLong count = admitted.get(app);
        if (count == null) {
            if (admitted.size() >= maxApps) {
                return true;
            }
            count = admitted.computeIfAbsent(app, a -> new AtomicLong());
        }
        long mine = count.get() + 1;
        int others = admitted.size() - 1;
        double othersAverage = others <= 0 ? 0 : (double) (total.get() - mine + 1) / others;
        // a lone app is never refused here: the buffer's own bound is its limit
        boolean pass = others <= 0 || (nearlyFull ? mine <= othersAverage + SLACK
                : mine <= SLACK || mine <= factor * othersAverage);
        if (pass) {
            // threads racing here may each take the last place: an app overshoots by a few, never by more
            count.incrementAndGet();
            total.incrementAndGet();
        }
        return pass;
    }

    @Override
    public void shed(RoutedEnvelope envelope) {
        notices.told(IngressGate.appOf(envelope), DropReason.INGRESS_SHED);
    }

    /** Starts a new window; of threads racing here one wins, and counts made meanwhile may land in either window. */
    private void newWindow(long nowNanos) {
        long start = windowStart.get();
        if (nowNanos - start > WINDOW_NANOS && windowStart.compareAndSet(start, nowNanos)) {
            admitted.clear();
            total.set(0);
            counting = false;
        }
    }
}
