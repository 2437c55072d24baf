package dev.loggregator.cli.recent;

import dev.loggregator.cli.stream.Gap;
import java.util.List;
import java.util.Locale;

/**
 * What {@code logs tail} says on stderr once it has read a gap from the store: how many lines it
 * filled, and plainly where lines may still be missing: the store no longer held the gap's start
 * (its oldest line is newer than the last line printed before the gap), the read stopped at its
 * bound, or the read failed.
 */
final class GapNotice {
    private GapNotice() {
    }

    /**
     * @param gapStartNanos the timestamp of the last line printed before the gap, if the read started at or before it;
     *                      else {@link RecentLogs#NO_START} (then whether the store reached back is not known)
     * @param read          what the store returned, oldest first
     */
    static String filled(Gap gap, String store, int filled, long gapStartNanos, List<LogEntry> read) {
        StringBuilder notice = new StringBuilder("filled the gap of ").append(gap.length()).append(" with ")
                .append(lines(filled)).append(" from ").append(store);
        if (gapStartNanos != RecentLogs.NO_START) {
            if (read.isEmpty()) {
                notice.append(", which holds no line since ").append(time(gapStartNanos))
                        .append(": lines sent during the gap may be missing");
            } else if (read.get(0).timestamp() > gapStartNanos) {
                notice.append(", which holds nothing older than ").append(time(read.get(0).timestamp()))
                        .append(": lines stamped from ").append(time(gapStartNanos)).append(" until then may be missing");
            }
        }
        if (read.size() >= RecentLogs.MAX_SINCE) {
            notice.append("; the read stopped at ").append(lines(read.size())).append(" (the most one read takes): lines stamped from ")
                    .append(time(read.get(read.size() - 1).timestamp())).append(" until the stream was back may be missing");
        }
        return notice.toString();
    }

    static String failed(Gap gap, String store, String why) {
        return "could not fill the gap of " + gap.length() + " from " + store + " (" + why + "): lines sent during the gap may be missing";
    }

    private static String lines(int count) {
        return String.format(Locale.ROOT, "%,d line%s", count, count == 1 ? "" : "s");
    }

    private static String time(long nanos) {
        return Gap.timeOfDay(Math.floorDiv(nanos, 1_000_000L));
    }
}
