package dev.loggregator.cli.command;

import dev.loggregator.cli.format.EnvelopeJson;
import dev.loggregator.cli.format.FirehoseFormatter;
import dev.loggregator.cli.format.LineStyle;
import dev.loggregator.cli.format.LogLineFormatter;
import dev.loggregator.cli.output.LineOutput;
import dev.loggregator.cli.recent.LogEntry;
import dev.loggregator.wire.v2.V2ToV1Converter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;

/**
 * Writes envelopes as cf CLI log lines, firehose lines or JSON Lines, according to the output
 * options. v2 envelopes are shown in the same lines as v1 ones (converted as the real system's
 * tov1 does); with {@code --json} a v2 envelope is written as the RLP gateway and Log Cache encode it.
 */
final class EnvelopePrinter {
    private final LogLineFormatter logLines;
    private final FirehoseFormatter firehoseLines;
    private final EnvelopeJson json;

    /** @param format null for commands without log-line options */
    EnvelopePrinter(dev.loggregator.cli.CliContext context, OutputOptions options, LogFormatOptions format) {
        boolean color = context.color(options.noColor);
        this.json = options.json ? new EnvelopeJson() : null;
        this.logLines = format == null ? new LogLineFormatter(context.zone(), color)
                : new LogLineFormatter(context.zone(), color, format.style == null ? LineStyle.cf6 : format.style, format.timestamps);
        this.firehoseLines = new FirehoseFormatter(context.zone(), color);
    }

    /** A log message: cf CLI lines (one per line of the message), or one JSON line (v2 when it came as v2). */
    boolean printLog(LogEntry entry, LineOutput output) {
        for (String line : render(entry)) {
            if (!output.println(line)) {
                return false;
            }
        }
        return true;
    }

    List<String> render(LogEntry entry) {
        if (json != null) {
            return List.of(entry.v2() != null ? v2Json(entry.v2()) : json.line(entry.v1()));
        }
        return logLines.lines(entry.log());
    }

    /** Any v1 envelope as one line. */
    boolean printAny(Envelope envelope, LineOutput output) {
        return output.println(json != null ? json.line(envelope) : firehoseLines.line(envelope));
    }

    /** Any v2 envelope: one JSON line, or the firehose lines of its v1 forms (an event, which v1 lacks, as its own line). */
    boolean printAny(LoggregatorEnvelope.Envelope envelope, LineOutput output) {
        if (json != null) {
            return output.println(v2Json(envelope));
        }
        if (envelope.hasEvent()) {
            return output.println(firehoseLines.eventLine(envelope));
        }
        for (Envelope v1 : V2ToV1Converter.convert(envelope)) {
            if (!output.println(firehoseLines.line(v1))) {
                return false;
            }
        }
        return true;
    }

    private static String v2Json(LoggregatorEnvelope.Envelope envelope) {
        return new String(dev.loggregator.wire.v2.json.EnvelopeJson.encode(envelope), StandardCharsets.UTF_8);
    }
}
