package dev.loggregator.cli.recent;

import dev.loggregator.cli.config.Target;
import dev.loggregator.cli.http.TrafficControllerHttp;
import dev.loggregator.cli.logcache.LogCacheClient;
import dev.loggregator.cli.output.Notices;
import java.time.Duration;

/** Picks where an app's recent logs come from: Log Cache where the endpoint serves it, else the Traffic Controller. */
public final class RecentSources {
    private RecentSources() {
    }

    public static RecentLogs forApp(Target target, String app, Duration timeout, Notices notices, String notFoundMessage) {
        TrafficControllerRecent trafficController = new TrafficControllerRecent(
                new TrafficControllerHttp(target, timeout, notices), app, notFoundMessage);
        LogCacheClient logCache = new LogCacheClient(target, target.http(""), timeout, notices, notFoundMessage);
        return switch (logCache.api()) {
            case CURRENT -> new LogCacheRecent(logCache, app);
            case LEGACY_OR_NONE -> new FallbackRecentLogs(new LogCacheRecent(logCache, app), trafficController);
            case NONE -> trafficController;
        };
    }
}
