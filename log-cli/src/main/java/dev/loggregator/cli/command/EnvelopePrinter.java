package dev.loggregator.cli.command;

import dev.loggregator.cli.format.EnvelopeJson;
import dev.loggregator.cli.format.FirehoseFormatter;
import dev.loggregator.cli.format.LogLineFormatter;
import dev.loggregator.cli.output.LineOutput;
import java.util.List;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;

/** Writes envelopes as cf CLI log lines, firehose lines or JSON Lines, according to the output options. */
final class EnvelopePrinter {
    private final LogLineFormatter logLines;
    private final FirehoseFormatter firehoseLines;
    private final EnvelopeJson json;

    EnvelopePrinter(dev.loggregator.cli.CliContext context, OutputOptions options) {
        boolean color = context.color(options.noColor);
        this.json = options.json ? new EnvelopeJson() : null;
        this.logLines = new LogLineFormatter(context.zone(), color);
        this.firehoseLines = new FirehoseFormatter(context.zone(), color);
    }

    /** A log envelope: cf CLI lines (one per line of the message), or one JSON line. */
    boolean printLog(Envelope envelope, LineOutput output) {
        if (json != null) {
            return output.println(json.line(envelope));
        }
        List<String> lines = logLines.lines(envelope.getLogMessage());
        for (String line : lines) {
            if (!output.println(line)) {
                return false;
            }
        }
        return true;
    }

    /** Any envelope as one line. */
    boolean printAny(Envelope envelope, LineOutput output) {
        return output.println(json != null ? json.line(envelope) : firehoseLines.line(envelope));
    }
}
