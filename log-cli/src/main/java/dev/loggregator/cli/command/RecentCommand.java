package dev.loggregator.cli.command;

import dev.loggregator.cli.CliContext;
import dev.loggregator.cli.config.AppNames;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.cli.LogsCommand;
import dev.loggregator.cli.config.Endpoints;
import dev.loggregator.cli.config.Target;
import dev.loggregator.cli.format.EnvelopeJson;
import dev.loggregator.cli.format.LogLineFormatter;
import dev.loggregator.cli.http.TrafficControllerHttp;
import dev.loggregator.cli.output.LineOutput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code logs recent <app>}: the logs the Dopplers still hold for the app, oldest first (as {@code cf logs --recent}). */
@Command(name = "recent", mixinStandardHelpOptions = true,
        description = {"Print an app's recent logs (what the Dopplers retain), sorted by timestamp, and exit.",
            "With --max-lines N, only the newest N lines."})
public final class RecentCommand implements Callable<Integer> {
    /** How long a recentlogs request may take without --timeout (the Traffic Controller itself gives up after 5 s). */
    static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    @ParentCommand
    private LogsCommand parent;

    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "APP", description = "The app's GUID, or a name given to it with `logs app`.")
    private String app;

    @Mixin
    private OutputOptions output;

    @Mixin
    private LimitOptions limits;

    @Mixin
    private ConnectionOptions connection;

    @Override
    public Integer call() {
        limits.validate(spec.commandLine());
        CliContext context = parent.context();
        return printRecent(context, connection.target(context), AppNames.resolve(app, context.config().load()), output, limits);
    }

    static int printRecent(CliContext context, Target target, String app, OutputOptions output, LimitOptions limits) {
        TrafficControllerHttp http = new TrafficControllerHttp(target,
                limits.timeout == null ? DEFAULT_REQUEST_TIMEOUT : limits.timeout, context.notices());
        List<Envelope> envelopes = http.envelopes("/apps/" + Endpoints.segment(app) + "/recentlogs",
                "app '" + app + "' not found, or you may not read its logs");
        List<String> lines = lines(sortedLogs(envelopes), context, output);
        int from = limits.maxLines > 0 ? (int) Math.max(0, lines.size() - limits.maxLines) : 0;
        LineOutput out = new LineOutput(context.out(), 0, () -> { });
        for (String line : lines.subList(from, lines.size())) {
            out.println(line);
        }
        out.flush();
        return ExitCode.OK;
    }

    /** The log envelopes, stably sorted by the log's timestamp (noaa's SortRecent): equal times keep server order. */
    static List<Envelope> sortedLogs(List<Envelope> envelopes) {
        List<Envelope> logs = new ArrayList<>(envelopes.size());
        for (Envelope envelope : envelopes) {
            if (envelope.hasLogMessage()) {
                logs.add(envelope);
            }
        }
        logs.sort(Comparator.comparingLong(envelope -> envelope.getLogMessage().getTimestamp()));
        return logs;
    }

    private static List<String> lines(List<Envelope> logs, CliContext context, OutputOptions output) {
        List<String> lines = new ArrayList<>(logs.size());
        if (output.json) {
            EnvelopeJson json = new EnvelopeJson();
            for (Envelope envelope : logs) {
                lines.add(json.line(envelope));
            }
        } else {
            LogLineFormatter formatter = new LogLineFormatter(context.zone(), context.color(output.noColor));
            for (Envelope envelope : logs) {
                lines.addAll(formatter.lines(envelope.getLogMessage()));
            }
        }
        return lines;
    }
}
