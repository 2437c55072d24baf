package dev.loggregator.cli.recent;

import dev.loggregator.cli.config.Endpoints;
import dev.loggregator.cli.http.TrafficControllerHttp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;

/**
 * The Traffic Controller's {@code /apps/{app}/recentlogs} (v1 multipart): what every Doppler
 * retains of the app, stably sorted by timestamp as noaa's SortRecent does; the time bounds are
 * applied here, since the API has none.
 */
public final class TrafficControllerRecent implements RecentLogs {
    private final TrafficControllerHttp http;
    private final String app;
    private final String notFoundMessage;

    public TrafficControllerRecent(TrafficControllerHttp http, String app, String notFoundMessage) {
        this.http = http;
        this.app = app;
        this.notFoundMessage = notFoundMessage;
    }

    @Override
    public List<LogEntry> newest(int count, long fromNanos) {
        List<LogEntry> all = since(fromNanos);
        return all.subList(Math.max(0, all.size() - count), all.size());
    }

    @Override
    public List<LogEntry> since(long fromNanos) {
        return sortedLogs(http.envelopes("/apps/" + Endpoints.segment(app) + "/recentlogs", notFoundMessage), fromNanos);
    }

    /** The log messages stamped at or after {@code fromNanos}, stably sorted by timestamp: equal times keep server order. */
    static List<LogEntry> sortedLogs(List<Envelope> envelopes, long fromNanos) {
        List<LogEntry> logs = new ArrayList<>();
        for (Envelope envelope : envelopes) {
            if (envelope.hasLogMessage() && envelope.getLogMessage().getTimestamp() >= fromNanos) {
                logs.add(new LogEntry(envelope, null));
            }
        }
        logs.sort(Comparator.comparingLong(LogEntry::timestamp));
        return logs;
    }

    @Override
    public String describe() {
        return "the Traffic Controller's recent logs";
    }
}
