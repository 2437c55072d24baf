package dev.loggregator.e2e.support;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what {@code logs firehose} printed: one line per envelope on stdout, and on stderr the
 * notices it makes of the server's drop reports (the LGR log line and the
 * {@code TruncatingBuffer.DroppedMessages} counter), checked against the formats the CLI promises.
 */
public final class FirehoseOutput {
    /** An app's log line: time (cf format), type, origin/job/index, app, [source/instance], OUT, text. */
    private static final Pattern APP_LOG = Pattern.compile(
            "^   \\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{2}[+-]\\d{4} LogMessage \\S* "
                    + "app=(\\S+) \\[APP/PROC/WEB/0\\] OUT (.*)$");
    private static final Pattern LGR_NOTICE = Pattern.compile(
            "^logs: \\[LGR\\] Log message output is too high\\. (\\d+) messages dropped \\(Total \\d+ messages dropped\\)"
                    + " from (\\S+) to \\S+\\.$");
    private static final Pattern COUNTER_NOTICE = Pattern.compile(
            "^logs: the server dropped (\\d+) messages of this stream \\(\\d+ in total\\):"
                    + " the stream was read more slowly than it was written$");

    private FirehoseOutput() {
    }

    /** One drop report as shown: how many envelopes were dropped, and by which component (LGR line only). */
    public record Notice(long dropped, String origin) {
    }

    /** The texts of {@code app}'s log lines in {@code stdout}, in the order printed. */
    public static List<String> messages(List<String> stdout, String app) {
        return stdout.stream().map(APP_LOG::matcher)
                .filter(m -> m.matches() && m.group(1).equals(app))
                .map(m -> m.group(2))
                .toList();
    }

    /** The LGR log lines the CLI relayed on stderr. */
    public static List<Notice> lgrNotices(List<String> stderr) {
        return stderr.stream().map(LGR_NOTICE::matcher).filter(Matcher::matches)
                .map(m -> new Notice(Long.parseLong(m.group(1)), m.group(2)))
                .toList();
    }

    /** The DroppedMessages counters the CLI explained on stderr (they name no component). */
    public static List<Notice> counterNotices(List<String> stderr) {
        return stderr.stream().map(COUNTER_NOTICE::matcher).filter(Matcher::matches)
                .map(m -> new Notice(Long.parseLong(m.group(1)), null))
                .toList();
    }
}
