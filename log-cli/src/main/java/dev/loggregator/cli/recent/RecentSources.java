package dev.loggregator.cli.recent;

import dev.loggregator.cli.config.Target;
import dev.loggregator.cli.http.TrafficControllerHttp;
import dev.loggregator.cli.logcache.LogCacheClient;
import dev.loggregator.cli.output.Notices;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Picks where an app's recent logs come from: Log Cache where the endpoint serves it, else the
 * Traffic Controller. The choice asks the endpoint ({@code /api/v1/info}), so it is made on the
 * first read: a {@code logs tail} that never has a gap to fill never asks; a choice that failed
 * (the endpoint unreachable) is tried again on the next read.
 */
public final class RecentSources {
    private RecentSources() {
    }

    public static RecentLogs forApp(Target target, String app, Duration timeout, Notices notices, String notFoundMessage) {
        return new ChosenOnFirstRead(() -> choose(target, app, timeout, notices, notFoundMessage));
    }

    private static RecentLogs choose(Target target, String app, Duration timeout, Notices notices, String notFoundMessage) {
        TrafficControllerRecent trafficController = new TrafficControllerRecent(
                new TrafficControllerHttp(target, timeout, notices), app, notFoundMessage);
        LogCacheClient logCache = new LogCacheClient(target, target.http(""), timeout, notices, notFoundMessage);
        return switch (logCache.api()) {
            case CURRENT -> new LogCacheRecent(logCache, app);
            case LEGACY_OR_NONE -> new FallbackRecentLogs(new LogCacheRecent(logCache, app), trafficController);
            case NONE -> trafficController;
        };
    }

    private static final class ChosenOnFirstRead implements RecentLogs {
        private final Supplier<RecentLogs> choice;
        private RecentLogs chosen;

        ChosenOnFirstRead(Supplier<RecentLogs> choice) {
            this.choice = choice;
        }

        private synchronized RecentLogs chosen() {
            if (chosen == null) {
                chosen = choice.get();
            }
            return chosen;
        }

        @Override
        public List<LogEntry> newest(int count, long fromNanos) {
            return chosen().newest(count, fromNanos);
        }

        @Override
        public List<LogEntry> since(long fromNanos, long beforeNanos) {
            return chosen().since(fromNanos, beforeNanos);
        }

        @Override
        public synchronized String describe() {
            return chosen == null ? "the recent logs" : chosen.describe();
        }
    }
}
