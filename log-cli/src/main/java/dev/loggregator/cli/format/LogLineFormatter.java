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
 * when colour is on. In the {@link LineStyle#cf6} style a message ending in a newline yields no
 * extra empty line; {@link LineStyle#cf8} prints one, as cf CLI v7+ does. With {@code timestamps},
 * each line starts with the envelope's full timestamp in UTC ({@code kubectl logs --timestamps}).
 */
public final class LogLineFormatter {
    /** Go's ".00" truncates to hundredths, as DateTimeFormatter's "SS" does; "xx" is -0700 (no colon, +0000 for UTC). */
    private static final DateTimeFormatter CF_TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSxx");
    /** RFC 3339 in UTC with all nine fractional digits, so that the prefixes sort as text. */
    private static final DateTimeFormatter FULL_TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
            .withZone(java.time.ZoneOffset.UTC);
    private static final String RED = "\u001b[31m";
    private static final String RESET = "\u001b[0m";

    private final DateTimeFormatter timestamps;
    private final boolean color;
    private final LineStyle style;
    private final boolean fullTimestamps;

    public LogLineFormatter(ZoneId zone, boolean color) {
        this(zone, color, LineStyle.cf6, false);
    }

    /** @param fullTimestamps start each line with the full UTC timestamp ({@code --timestamps}) */
    public LogLineFormatter(ZoneId zone, boolean color, LineStyle style, boolean fullTimestamps) {
        this.timestamps = CF_TIMESTAMP.withZone(zone);
        this.color = color;
        this.style = style;
        this.fullTimestamps = fullTimestamps;
    }

    public List<String> lines(LogMessage message) {
        boolean err = message.getMessageType() == LogMessage.MessageType.ERR;
        String header = timestamp(message.getTimestamp()) + " [" + message.getSourceType() + "/"
                + message.getSourceInstance() + "] " + (err ? "ERR" : "OUT") + " ";
        String prefix = fullTimestamps ? FULL_TIMESTAMP.format(Instant.ofEpochSecond(0, message.getTimestamp())) + "   " : "   ";
        String text = message.getMessage().toString(StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(1);
        for (String piece : style == LineStyle.cf8 ? splitEveryLine(text) : splitLines(text)) {
            String line = header + piece;
            lines.add(prefix + (err && color ? RED + line + RESET : line));
        }
        return lines;
    }

    public String timestamp(long unixNanos) {
        return timestamps.format(Instant.ofEpochSecond(0, unixNanos));
    }

    /** Go's {@code strings.Split(text, "\n")} with {@code strings.TrimRight(line, "\r\n")}: every piece, the last one too. */
    static List<String> splitEveryLine(String text) {
        String[] parts = text.split("\n", -1);
        List<String> lines = new ArrayList<>(parts.length);
        for (String part : parts) {
            lines.add(trimLineEnd(part));
        }
        return lines;
    }

    private static String trimLineEnd(String part) {
        int end = part.length();
        while (end > 0 && (part.charAt(end - 1) == '\r' || part.charAt(end - 1) == '\n')) {
            end--;
        }
        return part.substring(0, end);
    }

    /** Splits on '\n', trims trailing '\r'/'\n' per line (as strings.TrimRight), drops one trailing empty line. */
    static List<String> splitLines(String text) {
        String[] parts = text.split("\n", -1);
        int count = parts.length > 1 && parts[parts.length - 1].isEmpty() ? parts.length - 1 : parts.length;
        List<String> lines = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            lines.add(trimLineEnd(parts[i]));
        }
        return lines;
    }
}
