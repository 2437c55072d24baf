package dev.loggregator.cli.command;

import dev.loggregator.cli.CliContext;
import dev.loggregator.cli.config.AppNames;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.cli.LogsCommand;
import dev.loggregator.cli.config.Target;
import dev.loggregator.cli.output.LineOutput;
import dev.loggregator.cli.recent.LogEntry;
import dev.loggregator.cli.recent.RecentLogs;
import dev.loggregator.cli.recent.RecentSources;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code logs recent <app>}: the app's recent logs, oldest first (as {@code cf logs --recent}). */
@Command(name = "recent", mixinStandardHelpOptions = true,
        description = {"Print an app's recent logs, sorted by timestamp, and exit: the newest --lines (1000) log messages",
            "from Log Cache where the endpoint serves it, else what the Dopplers retain (the v1 recentlogs).",
            "--since / --since-time keep only newer ones; with --max-lines N, only the newest N lines are printed."})
public final class RecentCommand implements Callable<Integer> {
    /** How long a request may take without --timeout (the Traffic Controller itself gives up on Dopplers after 5 s). */
    static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** As many as `cf logs --recent` reads (one Log Cache read at its maximum limit). */
    static final int DEFAULT_LINES = 1000;

    @ParentCommand
    private LogsCommand parent;

    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "APP", description = "The app's GUID, or a name given to it with `logs app`.")
    private String app;

    @Option(names = "--lines", paramLabel = "N", defaultValue = "1000",
            description = "The newest N log messages (default ${DEFAULT-VALUE}, as cf logs --recent; more are read page by page).")
    private int lines = DEFAULT_LINES;

    @Option(names = "--since", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Only messages of the last DURATION (e.g. 10m, 1h, 90s).")
    private Duration since;

    @Option(names = "--since-time", paramLabel = "TIME",
            description = "Only messages from TIME on (RFC 3339, e.g. 2026-08-20T14:03:00Z or 2026-08-20T16:03:00+02:00).")
    private String sinceTime;

    @Mixin
    private OutputOptions output;

    @Mixin
    private LogFormatOptions format;

    @Mixin
    private LimitOptions limits;

    @Mixin
    private ConnectionOptions connection;

    @Override
    public Integer call() {
        limits.validate(spec.commandLine());
        if (lines < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--lines must be 0 or more, got " + lines);
        }
        if (since != null && sinceTime != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--since and --since-time exclude each other");
        }
        long from = RecentLogs.NO_START;
        if (since != null) {
            Instant start = Instant.now().minus(since);
            from = start.getEpochSecond() * 1_000_000_000L + start.getNano();
        } else if (sinceTime != null) {
            from = nanos(sinceTime);
        }
        CliContext context = parent.context();
        return printRecent(context, connection.target(context), AppNames.resolve(app, context.config().load()), output,
                format, limits, lines, from);
    }

    private long nanos(String text) {
        try {
            Instant instant = OffsetDateTime.parse(text.strip()).toInstant();
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
        } catch (DateTimeParseException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--since-time '" + text + "' is not an RFC 3339 time such as 2026-08-20T14:03:00Z");
        } catch (ArithmeticException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--since-time '" + text + "' is outside the nanosecond timestamps of envelopes (years 1678 to 2261)");
        }
    }

    /**
     * Prints the newest {@code count} log messages stamped at or after {@code fromNanos}, oldest
     * first. With {@code --json}, messages read from Log Cache are written as v2 protojson (as Log
     * Cache encodes them), those from the Traffic Controller as v1 JSON.
     */
    static int printRecent(CliContext context, Target target, String app, OutputOptions output, LogFormatOptions format,
                           LimitOptions limits, int count, long fromNanos) {
        String notFound = "app '" + app + "' not found, or you may not read its logs";
        RecentLogs source = RecentSources.forApp(target, app, limits.timeout == null ? DEFAULT_REQUEST_TIMEOUT : limits.timeout,
                context.notices(), notFound);
        List<LogEntry> entries = source.newest(count, fromNanos);
        EnvelopePrinter printer = new EnvelopePrinter(context, output, format);
        // Rendered first, so that --max-lines keeps the newest lines, not the newest messages.
        List<String> rendered = new ArrayList<>();
        for (LogEntry entry : entries) {
            rendered.addAll(printer.render(entry));
        }
        LineOutput out = new LineOutput(context.out(), 0, () -> { });
        int from = limits.maxLines > 0 ? (int) Math.max(0, rendered.size() - limits.maxLines) : 0;
        for (String line : rendered.subList(from, rendered.size())) {
            out.println(line);
        }
        out.flush();
        return ExitCode.OK;
    }
}
