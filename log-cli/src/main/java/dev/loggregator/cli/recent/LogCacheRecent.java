package dev.loggregator.cli.recent;

import dev.loggregator.cli.logcache.LogCacheClient;
import dev.loggregator.cli.logcache.ReadRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;

/**
 * An app's log messages from Log Cache, page by page (at most 1000 per read): the newest going
 * back in time ({@code descending}, each page ending where the last one began), or everything since
 * a time going forward. A page boundary may fall between messages of one timestamp, so the boundary
 * timestamp is read again and repeats are dropped. A 429 (too large an answer, as grpc-gateway maps
 * it) halves the limit and asks again, as the cf CLI does.
 */
public final class LogCacheRecent implements RecentLogs {
    /** What one {@link #since} keeps at most, Log Cache's default cap per source. */
    static final int MAX_SINCE = 100_000;

    private final LogCacheClient client;
    private final String sourceId;

    public LogCacheRecent(LogCacheClient client, String sourceId) {
        this.client = client;
        this.sourceId = sourceId;
    }

    @Override
    public List<LogEntry> newest(int count, long fromNanos) {
        long start = fromNanos == NO_START ? ReadRequest.GO_ZERO_TIME : fromNanos;
        SeenLogs seen = new SeenLogs(Integer.MAX_VALUE);
        List<LogEntry> newestFirst = new ArrayList<>();
        Long end = null;
        while (newestFirst.size() < count) {
            // Later pages ask for a whole page: one that repeats the boundary timestamp must still get past it.
            int want = end == null ? Math.min(ReadRequest.MAX_LIMIT, count) : ReadRequest.MAX_LIMIT;
            Page answer = read(ReadRequest.logs(start, end, want, true));
            List<Envelope> page = answer.envelopes();
            long oldest = Long.MAX_VALUE;
            int added = 0;
            for (Envelope envelope : page) {
                oldest = Math.min(oldest, envelope.getTimestamp());
                for (LogEntry entry : LogEntry.fromV2(envelope)) {
                    if (seen.add(entry)) {
                        newestFirst.add(entry);
                        added++;
                    }
                }
            }
            if (page.size() < answer.limit() || oldest == Long.MIN_VALUE) {
                break;
            }
            // Again from the oldest timestamp (end is exclusive), unless nothing new came: then past it.
            end = added == 0 ? oldest : oldest + 1;
        }
        List<LogEntry> chosen = new ArrayList<>(newestFirst.subList(0, Math.min(count, newestFirst.size())));
        Collections.reverse(chosen);
        chosen.sort(Comparator.comparingLong(LogEntry::timestamp));
        return chosen;
    }

    @Override
    public List<LogEntry> since(long fromNanos) {
        long start = fromNanos == NO_START ? ReadRequest.GO_ZERO_TIME : fromNanos;
        SeenLogs seen = new SeenLogs(Integer.MAX_VALUE);
        List<LogEntry> entries = new ArrayList<>();
        while (entries.size() < MAX_SINCE) {
            Page answer = read(ReadRequest.logs(start, null, ReadRequest.MAX_LIMIT, false));
            List<Envelope> page = answer.envelopes();
            long newest = Long.MIN_VALUE;
            int added = 0;
            for (Envelope envelope : page) {
                newest = Math.max(newest, envelope.getTimestamp());
                for (LogEntry entry : LogEntry.fromV2(envelope)) {
                    if (seen.add(entry)) {
                        entries.add(entry);
                        added++;
                    }
                }
            }
            if (page.size() < answer.limit() || newest == Long.MAX_VALUE) {
                break;
            }
            start = added == 0 ? newest + 1 : newest;
        }
        entries.sort(Comparator.comparingLong(LogEntry::timestamp));
        return entries;
    }

    /** One read's envelopes and the limit it was made with. */
    private record Page(List<Envelope> envelopes, int limit) {
    }

    private Page read(ReadRequest request) {
        ReadRequest attempt = request;
        while (true) {
            try {
                return new Page(client.read(sourceId, attempt), attempt.limit());
            } catch (LogCacheClient.LogCacheStatus e) {
                if (e.status() != 429 || attempt.limit() == null || attempt.limit() <= 1) {
                    throw e;
                }
                attempt = attempt.withLimit(attempt.limit() / 2);
            }
        }
    }

    @Override
    public String describe() {
        return "Log Cache";
    }
}
