package dev.loggregator.cli.recent;

import java.util.List;

/** Where an app's recent log messages are read from: Log Cache, else the Traffic Controller's recent logs. */
public interface RecentLogs {
    /** Sorts by timestamp and keeps the newest; every source's read returns oldest first. */
    long NO_START = Long.MIN_VALUE;

    /** The newest {@code count} log messages stamped at or after {@code fromNanos} ({@link #NO_START}: any), oldest first. */
    List<LogEntry> newest(int count, long fromNanos);

    /** Every log message stamped at or after {@code fromNanos} that the server still holds, oldest first. */
    List<LogEntry> since(long fromNanos);

    /** For notices: "Log Cache", "the Traffic Controller's recent logs". */
    String describe();
}
