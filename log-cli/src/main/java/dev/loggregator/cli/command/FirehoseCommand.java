package dev.loggregator.cli.command;

import dev.loggregator.cli.CliContext;
import dev.loggregator.cli.LogsCommand;
import dev.loggregator.cli.config.ConnectionProblems;
import dev.loggregator.cli.config.Endpoints;
import dev.loggregator.cli.config.Target;
import dev.loggregator.cli.output.DropNotices;
import dev.loggregator.cli.output.LineOutput;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code logs firehose}: every envelope of the deployment, one line each (needs scope doppler.firehose). */
@Command(name = "firehose", mixinStandardHelpOptions = true,
        description = {"Stream every envelope (logs, metrics, counters, container metrics, HTTP, errors), one line each.",
            "Needs a token with scope doppler.firehose. Printed as received (no reordering)."})
public final class FirehoseCommand implements Callable<Integer> {
    /** The firehose's own filter-type values. */
    enum Filter { logs, metrics }

    @ParentCommand
    private LogsCommand parent;

    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--subscription-id", paramLabel = "ID",
            description = "Share the stream with every client using this id (each gets a part). Default: a fresh id, so this client gets everything.")
    private String subscriptionId;

    @Option(names = "--filter", paramLabel = "TYPE", description = "Only `logs` (log messages) or only `metrics` (everything else).")
    private Filter filter;

    @Mixin
    private OutputOptions output;

    @Mixin
    private LimitOptions limits;

    @Mixin
    private ConnectionOptions connection;

    @Override
    public Integer call() {
        limits.validate(spec.commandLine());
        if (subscriptionId != null && subscriptionId.isBlank()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--subscription-id must not be empty");
        }
        CliContext context = parent.context();
        Target target = connection.target(context);
        String id = subscriptionId != null ? subscriptionId : "logs-cli-" + HexFormat.of().formatHex(randomBytes());
        EnvelopePrinter printer = new EnvelopePrinter(context, output);
        Envelopes envelopes = new Envelopes(context.notices());
        DropNotices drops = new DropNotices(context.notices());
        LiveStream live = new LiveStream(context, limits);
        LineOutput lines = live.output();
        return live.run(target, target.websocket("/firehose/" + Endpoints.segment(id), filter == null ? null : "filter-type=" + filter),
                "no firehose at " + ConnectionProblems.origin(target.endpoint()) + " (is it a Loggregator Traffic Controller?)",
                frame -> {
                    Envelope envelope = envelopes.parse(frame);
                    if (envelope != null) {
                        drops.show(envelope);
                        printer.printAny(envelope, lines);
                    }
                },
                () -> context.notices().say("connected to " + ConnectionProblems.origin(target.endpoint())
                        + ", streaming the firehose (subscription " + id + ")..."),
                context,
                new LiveStream.Pending() {
                    @Override
                    public void printDue(LineOutput out) {
                        // Printed as they arrive; nothing held back.
                    }

                    @Override
                    public void printAll(LineOutput out) {
                        // Nothing held back.
                    }
                });
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[8];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
