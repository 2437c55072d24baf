package dev.loggregator.cli.command;

import dev.loggregator.cli.CliContext;
import dev.loggregator.cli.LogsCommand;
import dev.loggregator.cli.config.AppNames;
import dev.loggregator.cli.config.ConnectionProblems;
import dev.loggregator.cli.config.Endpoints;
import dev.loggregator.cli.config.Target;
import dev.loggregator.cli.output.DropNotices;
import dev.loggregator.cli.output.LineOutput;
import dev.loggregator.cli.output.OrderedBuffer;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code logs tail <app>}: the app's logs as they happen, like {@code cf logs <app>}. */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = {"Stream an app's logs until Ctrl-C, in timestamp order (held ~300 ms to reorder).",
            "Reconnects on its own after a disconnect (0.5 s doubling to 60 s)."})
public final class TailCommand implements Callable<Integer> {
    /** The cf CLI's flush interval (cli PR #1273): long enough to reorder across Dopplers, short enough to feel live. */
    static final Duration ORDERING_WINDOW = Duration.ofMillis(300);

    @ParentCommand
    private LogsCommand parent;

    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "APP", description = "The app's GUID, or a name given to it with `logs app`.")
    private String app;

    @Option(names = "--recent", description = "Print the app's recent logs and exit (as `cf logs --recent`).")
    private boolean recent;

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
        String appId = AppNames.resolve(app, context.config().load());
        if (recent) {
            return RecentCommand.printRecent(context, connection.target(context), appId, output, limits);
        }
        Target target = connection.target(context);
        EnvelopePrinter printer = new EnvelopePrinter(context, output);
        Envelopes envelopes = new Envelopes(context.notices());
        DropNotices drops = new DropNotices(context.notices());
        OrderedBuffer<Envelope> ordered = new OrderedBuffer<>(ORDERING_WINDOW.toNanos());
        LiveStream live = new LiveStream(context, limits);
        LineOutput lines = live.output();

        String path = "/apps/" + Endpoints.segment(appId) + "/stream";
        return live.run(target, target.websocket(path, null),
                    "app '" + app + "' not found, or you may not read its logs",
                    frame -> {
                        Envelope envelope = envelopes.parse(frame);
                        if (envelope == null || !envelope.hasLogMessage()) {
                            if (envelope != null) {
                                drops.show(envelope);
                            }
                            return;
                        }
                        if (drops.show(envelope) && !output.json) {
                            return;
                        }
                        ordered.add(envelope.getLogMessage().getTimestamp(), envelope, System.nanoTime());
                    },
                    () -> context.notices().say("connected to " + ConnectionProblems.origin(target.endpoint())
                            + ", tailing logs for app " + app + "..."),
                    context,
                    new LiveStream.Pending() {
                        @Override
                        public void printDue(LineOutput out) {
                            print(ordered.drainDue(System.nanoTime()), printer, out);
                        }

                        @Override
                        public void printAll(LineOutput out) {
                            print(ordered.drainAll(), printer, out);
                        }
                    });
    }

    private static void print(java.util.List<Envelope> due, EnvelopePrinter printer, LineOutput lines) {
        for (Envelope envelope : due) {
            if (!printer.printLog(envelope, lines)) {
                break;
            }
        }
    }
}
