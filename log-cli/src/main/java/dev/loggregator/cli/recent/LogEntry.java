package dev.loggregator.cli.recent;

import java.util.List;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;

/**
 * A log message to print: its v1 form, which the cf line formats and v1 JSON are made from, and,
 * when it came through a v2 API (the v2 read API, Log Cache), the v2 envelope it was made from,
 * for v2 JSON output.
 *
 * @param v2 null when it came through the v1 API
 */
public record LogEntry(Envelope v1, LoggregatorEnvelope.Envelope v2) {

    /** The log messages among the v1 forms of a v2 envelope (v2ToV1 gives exactly one for a log). */
    public static List<LogEntry> fromV2(LoggregatorEnvelope.Envelope v2) {
        if (!v2.hasLog()) {
            return List.of();
        }
        return dev.loggregator.wire.v2.V2ToV1Converter.convert(v2).stream()
                .filter(Envelope::hasLogMessage)
                .map(v1 -> new LogEntry(v1, v2))
                .toList();
    }

    public LogMessage log() {
        return v1.getLogMessage();
    }

    public long timestamp() {
        return v1.getLogMessage().getTimestamp();
    }

    /** The same message without its v2 form, for output that shows v1 only. */
    public LogEntry v1Only() {
        return v2 == null ? this : new LogEntry(v1, null);
    }
}
