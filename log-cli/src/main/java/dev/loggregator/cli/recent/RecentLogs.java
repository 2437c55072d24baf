package dev.loggregator.cli.recent;

import java.util.List;

/** Where an app's recent log messages are read from: Log Cache, else the Traffic Controller's recent logs. */
public interface RecentLogs {
    /** Sorts by timestamp and keeps the newest; every source's read returns oldest first. */
    long NO_START = Long.MIN_VALUE;
    /** No end: up to the newest message held. */
    long NO_END = Long.MAX_VALUE;
    /** What one {@link #since} keeps at most (Log Cache's default cap per source): the oldest ones, from the start asked for. */
    int MAX_SINCE = 100_000;

    /** The newest {@code count} log messages stamped at or after {@code fromNanos} ({@link #NO_START}: any), oldest first. */
    List<LogEntry> newest(int count, long fromNanos);

    /**
     * Every log message stamped at or after {@code fromNanos} and before {@code beforeNanos} ({@link #NO_END}: any)
     * that the server still holds (at most {@link #MAX_SINCE}), oldest first.
     */
    List<LogEntry> since(long fromNanos, long beforeNanos);

    /** For notices: "Log Cache", "the Traffic Controller's recent logs". */
    String describe();
}
