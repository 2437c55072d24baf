package dev.loggregator.cli.format;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;

/**
 * The cf CLI's log line ({@code util/ui/log_message.go}):
 * {@code "   <ts> [<SOURCE_TYPE>/<SOURCE_INSTANCE>] <OUT|ERR> <text>"} with the timestamp in the
 * local zone as Go's {@code 2006-01-02T15:04:05.00-0700}. A multi-line message is split on
 * {@code \n} and every line gets the full header (trailing {@code \r} trimmed); ERR lines are red
 * when colour is on. Unlike the cf CLI, a message ending in a newline yields no extra empty line.
 */
public final class LogLineFormatter {
    /** Go's ".00" truncates to hundredths, as DateTimeFormatter's "SS" does; "xx" is -0700 (no colon, +0000 for UTC). */
    private static final DateTimeFormatter CF_TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSxx");
    private static final String RED = "\u001b[31m";
    private static final String RESET = "\u001b[0m";

    private final DateTimeFormatter timestamps;
    private final boolean color;

    public LogLineFormatter(ZoneId zone, boolean color) {
        this.timestamps = CF_TIMESTAMP.withZone(zone);
        this.color = color;
    }

    public List<String> lines(LogMessage message) {
        boolean err = message.getMessageType() == LogMessage.MessageType.ERR;
        String header = timestamp(message.getTimestamp()) + " [" + message.getSourceType() + "/"
                + message.getSourceInstance() + "] " + (err ? "ERR" : "OUT") + " ";
        List<String> lines = new ArrayList<>(1);
        for (String text : splitLines(message.getMessage().toString(StandardCharsets.UTF_8))) {
            String line = header + text;
            lines.add("   " + (err && color ? RED + line + RESET : line));
        }
        return lines;
    }

    public String timestamp(long unixNanos) {
        return timestamps.format(Instant.ofEpochSecond(0, unixNanos));
    }

    /** Splits on '\n', trims trailing '\r'/'\n' per line (as strings.TrimRight), drops one trailing empty line. */
    static List<String> splitLines(String text) {
        String[] parts = text.split("\n", -1);
        int count = parts.length > 1 && parts[parts.length - 1].isEmpty() ? parts.length - 1 : parts.length;
        List<String> lines = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String part = parts[i];
            int end = part.length();
            while (end > 0 && (part.charAt(end - 1) == '\r' || part.charAt(end - 1) == '\n')) {
                end--;
            }
            lines.add(part.substring(0, end));
        }
        return lines;
    }
}
