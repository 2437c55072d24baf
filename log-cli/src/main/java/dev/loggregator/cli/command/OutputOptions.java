package dev.loggregator.cli.command;

import picocli.CommandLine.Option;

/** How data lines look. */
public final class OutputOptions {
    @Option(names = "--json", description = "One JSON object per envelope (JSON Lines), with every field.")
    boolean json;

    @Option(names = "--no-color", description = "Never colour ERR lines (colour is only used on a terminal anyway; NO_COLOR is honoured).")
    boolean noColor;
}
