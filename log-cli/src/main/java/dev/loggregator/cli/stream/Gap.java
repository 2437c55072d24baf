package dev.loggregator.cli.stream;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The time a stream was down between two connections: from the last data or heartbeat the old
 * connection brought (wall clock, as envelope timestamps are) to the moment the new one was up.
 */
public record Gap(long lastSeenMillis, long upMillis) {
    private static final DateTimeFormatter TIME_OF_DAY = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT);

    public long millis() {
        return Math.max(0, upMillis - lastSeenMillis);
    }

    /** "0.34 s", "1.83 s", "12.4 s". */
    public String length() {
        double seconds = millis() / 1000.0;
        return String.format(Locale.ROOT, seconds < 10 ? "%.2f s" : "%.1f s", seconds);
    }

    /** A wall-clock time (milliseconds) as the notices show it: the local time of day, to the millisecond. */
    public static String timeOfDay(long epochMillis) {
        return TIME_OF_DAY.format(Instant.ofEpochMilli(epochMillis).atZone(ZoneId.systemDefault()));
    }
}
