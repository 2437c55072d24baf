package dev.loggregator.cli.command;

import java.time.Duration;
import picocli.CommandLine.Option;

/** What makes a stream end on its own, for scripts. */
public final class LimitOptions {
    @Option(names = {"-n", "--max-lines"}, paramLabel = "N",
            description = "Exit (status 0) after printing N lines.")
    long maxLines;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Exit after this long (e.g. 30s, 500ms, 2m): status 0, or 124 if --max-lines was given and not reached.")
    Duration timeout;

    void validate(picocli.CommandLine commandLine) {
        if (maxLines < 0) {
            throw new picocli.CommandLine.ParameterException(commandLine, "--max-lines must be positive, got " + maxLines);
        }
    }
}
