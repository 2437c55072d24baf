package dev.loggregator.cli.command;

import dev.loggregator.cli.CliContext;
import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.cli.LogsCommand;
import dev.loggregator.cli.config.AppNames;
import dev.loggregator.cli.config.Endpoints;
import dev.loggregator.cli.format.DrainsTable;
import dev.loggregator.cli.http.TrafficControllerHttp;
import dev.loggregator.wire.drains.DrainReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code logs drains [APP]}: the syslog drains in force and how each is doing, from every Doppler. */
@Command(name = "drains", mixinStandardHelpOptions = true,
        description = {"List the syslog drain bindings in force (one app's, or every app's with an admin token) and each"
                + " one's state on every Doppler: connected, backing off, last error, messages sent and dropped;"
                + " then the bindings refused and why."})
public final class DrainsCommand implements Callable<Integer> {
    @ParentCommand
    private LogsCommand parent;

    @Parameters(index = "0", arity = "0..1", paramLabel = "APP", description = "Only this app's drains: its GUID, or a name given to it with `logs app`.")
    private String app;

    @Option(names = "--json", description = "The Traffic Controller's answer as it came (JSON).")
    private boolean json;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Give up (status 124) if the answer takes longer (default 30s).")
    private Duration timeout;

    @Mixin
    private ConnectionOptions connection;

    @Override
    public Integer call() {
        CliContext context = parent.context();
        TrafficControllerHttp http = new TrafficControllerHttp(connection.target(context),
                timeout == null ? RecentCommand.DEFAULT_REQUEST_TIMEOUT : timeout, context.notices());
        String appId = app == null ? null : AppNames.resolve(app, context.config().load());
        byte[] body = http.body("/drains" + (appId == null ? "" : "?app=" + Endpoints.segment(appId)),
                "app '" + app + "' not found, or you may not read it");
        if (json) {
            context.out().println(new String(body, StandardCharsets.UTF_8));
            context.out().flush();
            return ExitCode.OK;
        }
        DrainReport.Gathered gathered;
        try {
            gathered = DrainReport.Gathered.fromJson(body);
        } catch (IOException e) {
            throw new CliException(ExitCode.SERVER_ERROR, "bad server response: not a drain report: " + e.getMessage(), e);
        }
        if (gathered.answered() < gathered.asked()) {
            context.notices().say((gathered.asked() - gathered.answered()) + " of " + gathered.asked()
                    + " Dopplers did not answer; their drains are not shown");
        }
        var lines = DrainsTable.lines(gathered);
        if (lines.isEmpty()) {
            context.notices().say(app == null ? "no syslog drains are bound" : "no syslog drains are bound to app " + app);
        }
        lines.forEach(context.out()::println);
        context.out().flush();
        return ExitCode.OK;
    }
}
