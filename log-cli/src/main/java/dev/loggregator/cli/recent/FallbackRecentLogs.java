package dev.loggregator.cli.recent;

import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import java.util.List;
import java.util.function.Function;

/**
 * An endpoint whose {@code /api/v1/info} answered 404: either a Log Cache older than 2.0 (read
 * under {@code /v1}, as go-log-cache assumes) or no Log Cache at all. The first read that the old
 * prefix answers with 404 settles it: the fallback (the Traffic Controller's recent logs) is used
 * from then on, and has the last word on whether the app exists.
 */
final class FallbackRecentLogs implements RecentLogs {
    private RecentLogs current;
    private RecentLogs fallback;

    FallbackRecentLogs(RecentLogs first, RecentLogs fallback) {
        this.current = first;
        this.fallback = fallback;
    }

    @Override
    public List<LogEntry> newest(int count, long fromNanos) {
        return attempt(source -> source.newest(count, fromNanos));
    }

    @Override
    public List<LogEntry> since(long fromNanos) {
        return attempt(source -> source.since(fromNanos));
    }

    private synchronized List<LogEntry> attempt(Function<RecentLogs, List<LogEntry>> read) {
        try {
            return read.apply(current);
        } catch (CliException e) {
            if (e.exitCode() != ExitCode.NOT_FOUND || fallback == null) {
                throw e;
            }
            current = fallback;
            fallback = null;
            return read.apply(current);
        }
    }

    @Override
    public synchronized String describe() {
        return current.describe();
    }
}
