package dev.loggregator.cli.command;

import dev.loggregator.cli.CliContext;
import dev.loggregator.cli.LogsCommand;
import dev.loggregator.cli.config.ConnectionProblems;
import dev.loggregator.cli.config.Endpoints;
import dev.loggregator.cli.config.Target;
import dev.loggregator.cli.output.DropNotices;
import dev.loggregator.cli.output.LineOutput;
import dev.loggregator.cli.stream.SseConnector;
import dev.loggregator.cli.stream.StreamConnector;
import dev.loggregator.cli.stream.WebSocketConnector;
import dev.loggregator.wire.v2.V2ToV1Converter;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code logs firehose}: every envelope of the deployment, one line each (needs scope doppler.firehose). */
@Command(name = "firehose", mixinStandardHelpOptions = true,
        description = {"Stream every envelope (logs, metrics, counters, container metrics, HTTP, errors), one line each.",
            "Needs a token with scope doppler.firehose. Printed as received (no reordering).",
            "Reads the v1 firehose, or the v2 read API (/v2/read) with --v2 or where v1 answers 404."})
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

    @Option(names = "--v2", description = {"Read the v2 read API (/v2/read): the subscription id is its shard_id, --filter picks",
        "its type flags (logs: log; metrics: counter, gauge, timer, event); --json prints v2 envelopes."})
    private boolean v2;

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
        EnvelopePrinter printer = new EnvelopePrinter(context, output, null);
        Envelopes envelopes = new Envelopes(context.notices());
        DropNotices drops = new DropNotices(context.notices());
        LiveStream live = new LiveStream(context, limits);
        LineOutput lines = live.output();
        StreamConnector v1Stream = new WebSocketConnector(target,
                target.websocket("/firehose/" + Endpoints.segment(id), filter == null ? null : "filter-type=" + filter),
                frame -> {
                    Envelope envelope = envelopes.parse(frame);
                    if (envelope != null) {
                        drops.show(envelope);
                        printer.printAny(envelope, lines);
                    }
                });
        StreamConnector v2Stream = new SseConnector(target, target.http(V2Paths.firehose(id, filter)), batch -> {
            for (LoggregatorEnvelope.Envelope envelope : batch) {
                for (Envelope v1 : V2ToV1Converter.convert(envelope)) {
                    drops.show(v1);
                }
                printer.printAny(envelope, lines);
            }
        }, context.notices());
        AtomicBoolean first = new AtomicBoolean(true);
        return live.run(target, v2 ? v2Stream : v1Stream, v2 ? null : v2Stream,
                "no firehose at " + ConnectionProblems.origin(target.endpoint()) + " (is it a Loggregator Traffic Controller?)",
                connector -> {
                    if (first.getAndSet(false)) {
                        context.notices().say("connected to " + ConnectionProblems.origin(target.endpoint())
                                + (connector == v2Stream ? " (v2 read API)" : "") + ", streaming the firehose ("
                                + (connector == v2Stream ? "shard id " : "subscription ") + id + ")...");
                    }
                },
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
