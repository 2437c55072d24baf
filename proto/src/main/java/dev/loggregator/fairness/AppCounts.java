package dev.loggregator.fairness;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts per app and reason (say, envelopes of an app dropped, by why), for a metric labelled by app
 * whose label set stays bounded: past {@code maxApps} apps, the counts of further apps go together under
 * {@link #OTHER_APPS}, so nothing goes uncounted. Reasons are small integers (an enum's ordinal). Any
 * thread writes; {@link #forEach} reads for a scrape.
 */
public final class AppCounts {
    public static final String OTHER_APPS = "_other";

    /** One non-zero count, as {@link #forEach} reports it. */
    @FunctionalInterface
    public interface Visitor {
        void count(String app, int reason, long count);
    }

    private final int maxApps;
    private final int reasons;
    private final Map<String, LongAdder[]> counts = new ConcurrentHashMap<>();
    private final LongAdder[] others;

    public AppCounts(int maxApps, int reasons) {
        this.maxApps = maxApps;
        this.reasons = reasons;
        this.others = newCounts();
    }

    public void add(String app, int reason, long count) {
        LongAdder[] adders = counts.get(app);
        if (adders == null) {
            adders = counts.size() >= maxApps ? others : counts.computeIfAbsent(app, a -> newCounts());
        }
        adders[reason].add(count);
    }

    /** What {@code app} was counted for {@code reason} (0 when it has no label of its own). */
    public long count(String app, int reason) {
        LongAdder[] adders = OTHER_APPS.equals(app) ? others : counts.get(app);
        return adders == null ? 0 : adders[reason].sum();
    }

    /** Every non-zero count, the apps beyond the bound last under {@link #OTHER_APPS}. */
    public void forEach(Visitor visitor) {
        counts.forEach((app, adders) -> report(visitor, app, adders));
        report(visitor, OTHER_APPS, others);
    }

    private void report(Visitor visitor, String app, LongAdder[] adders) {
        for (int reason = 0; reason < reasons; reason++) {
            long n = adders[reason].sum();
            if (n > 0) {
                visitor.count(app, reason, n);
            }
        }
    }

    private LongAdder[] newCounts() {
        LongAdder[] adders = new LongAdder[reasons];
        for (int i = 0; i < reasons; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }
}
