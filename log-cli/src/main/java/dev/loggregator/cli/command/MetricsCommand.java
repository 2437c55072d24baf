package dev.loggregator.cli.command;

import dev.loggregator.cli.CliContext;
import dev.loggregator.cli.config.AppNames;
import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.cli.LogsCommand;
import dev.loggregator.cli.config.Endpoints;
import dev.loggregator.cli.format.EnvelopeJson;
import dev.loggregator.cli.format.MetricsTable;
import dev.loggregator.cli.http.TrafficControllerHttp;
import dev.loggregator.cli.promql.InstanceTable;
import dev.loggregator.cli.promql.PromQLHttp;
import dev.loggregator.cli.promql.QueryAnswer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.MetricFactory.ContainerMetric;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code logs metrics <app>}: the latest container metrics of each instance, as a table: from Log Cache's
 * PromQL API where the endpoint offers it (as {@code cf app} gets them), else from the Traffic
 * Controller's container metrics. {@code --query} runs any PromQL instant query instead.
 */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        description = "Print the latest container metrics of each instance of an app: CPU, memory and disk against quotas.")
public final class MetricsCommand implements Callable<Integer> {
    @ParentCommand
    private LogsCommand parent;

    @Parameters(index = "0", arity = "0..1", paramLabel = "APP",
            description = "The app's GUID, or a name given to it with `logs app`; not needed with --query.")
    private String app;

    @Option(names = "--json", description = "One JSON object per instance's envelope (JSON Lines), with every field.")
    private boolean json;

    @Option(names = "--query", paramLabel = "PROMQL",
            description = "Run this PromQL instant query (Log Cache's /api/v1/query) and print its answer; with --json, "
                    + "the answer as the endpoint sent it.")
    private String query;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Give up (status 124) if the answer takes longer (default 30s).")
    private Duration timeout;

    @Mixin
    private ConnectionOptions connection;

    @Override
    public Integer call() {
        CliContext context = parent.context();
        Duration requestTimeout = timeout == null ? RecentCommand.DEFAULT_REQUEST_TIMEOUT : timeout;
        PromQLHttp promql = new PromQLHttp(connection.target(context), requestTimeout);
        if (query != null) {
            PromQLHttp.Answer answer = promql.query(query);
            if (answer.data() == null) {
                throw promql.failure(answer, query);
            }
            if (json) {
                context.out().print(answer.body());
            } else {
                QueryAnswer.lines(answer.data()).forEach(context.out()::println);
            }
            context.out().flush();
            return ExitCode.OK;
        }
        if (app == null) {
            throw new CliException(ExitCode.USAGE, "metrics needs an APP (or --query PROMQL)");
        }
        String appId = AppNames.resolve(app, context.config().load());
        if (!json) {
            List<ContainerMetric> rows = InstanceTable.rows(promql, appId);
            if (rows != null) {
                MetricsTable.lines(rows).forEach(context.out()::println);
                context.out().flush();
                return ExitCode.OK;
            }
        }
        TrafficControllerHttp http = new TrafficControllerHttp(connection.target(context), requestTimeout, context.notices());
        List<Envelope> envelopes = http.envelopes("/apps/" + Endpoints.segment(appId) + "/containermetrics",
                "app '" + app + "' not found, or you may not read its metrics");
        List<Envelope> metrics = new ArrayList<>();
        for (Envelope envelope : envelopes) {
            if (envelope.hasLogMessage()) {
                // noaa's convention: a log message in this answer is the server reporting a failure.
                throw new CliException(ExitCode.SERVER_ERROR, "upstream error: "
                        + envelope.getLogMessage().getMessage().toString(StandardCharsets.UTF_8).strip());
            }
            if (envelope.hasContainerMetric()) {
                metrics.add(envelope);
            }
        }
        if (metrics.isEmpty()) {
            context.notices().say("no container metrics for app " + app + " (none reported in the last 2 minutes)");
            return ExitCode.OK;
        }
        metrics.sort(Comparator.comparingInt(envelope -> envelope.getContainerMetric().getInstanceIndex()));
        if (json) {
            EnvelopeJson writer = new EnvelopeJson();
            metrics.forEach(envelope -> context.out().println(writer.line(envelope)));
        } else {
            List<ContainerMetric> rows = metrics.stream().map(Envelope::getContainerMetric).toList();
            MetricsTable.lines(rows).forEach(context.out()::println);
        }
        context.out().flush();
        return ExitCode.OK;
    }
}
