package dev.loggregator.cli.command;

import dev.loggregator.cli.format.LineStyle;
import picocli.CommandLine.Option;

/** How log lines look, for the commands that print log lines (tail, recent). */
public final class LogFormatOptions {
    @Option(names = "--format", paramLabel = "STYLE", defaultValue = "cf6",
            description = "Log line style: cf6 (default; the cf CLI v6 line) or cf8 (cf CLI v7+: every line of a message"
                    + " gets a header, a trailing newline too).")
    LineStyle style = LineStyle.cf6;

    @Option(names = "--timestamps",
            description = "Start each log line with the message's full timestamp in UTC (RFC 3339, nanoseconds), as kubectl logs --timestamps.")
    boolean timestamps;
}
