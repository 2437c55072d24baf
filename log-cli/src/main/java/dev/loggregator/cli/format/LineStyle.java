package dev.loggregator.cli.format;

/** Which cf CLI's log line {@code logs} writes ({@code --format}); the names are what users type. */
public enum LineStyle {
    /**
     * The cf CLI v6 line (util/ui/log_message.go in v6.3x, what {@code logs} always wrote): the header
     * on every line of the message, trailing {@code \r}/{@code \n} trimmed, and no empty last line
     * for a message that ends in a newline.
     */
    cf6,
    /**
     * The cf CLI v7/v8/v9 line (same file, as they print Log Cache's envelopes): the message split on
     * every {@code \n}, so one ending in a newline also prints a header with no text, as theirs do.
     */
    cf8
}
