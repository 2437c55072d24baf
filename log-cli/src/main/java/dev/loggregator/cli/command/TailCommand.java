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
import dev.loggregator.cli.recent.GapFreeTail;
import dev.loggregator.cli.recent.LogEntry;
import dev.loggregator.cli.recent.RecentLogs;
import dev.loggregator.cli.recent.RecentSources;
import dev.loggregator.cli.stream.Gap;
import dev.loggregator.cli.stream.ReconnectingStream;
import dev.loggregator.cli.stream.SseConnector;
import dev.loggregator.cli.stream.StreamConnector;
import dev.loggregator.cli.stream.WebSocketConnector;
import dev.loggregator.wire.v2.V2ToV1Converter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code logs tail <app>}: the app's logs as they happen, like {@code cf logs <app>}. */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = {"Stream an app's logs until Ctrl-C, in timestamp order (held ~300 ms to reorder).",
            "Reconnects on its own after a disconnect (0.5 s doubling to 60 s), says how long the gap was and fills it",
            "from Log Cache (or the recent logs) with what arrived meanwhile, each line once.",
            "Reads the v1 WebSocket stream, or the v2 read API (/v2/read) with --v2 or where v1 answers 404."})
public final class TailCommand implements Callable<Integer> {
    /** The cf CLI's flush interval (cli PR #1273): long enough to reorder across Dopplers, short enough to feel live. */
    static final Duration ORDERING_WINDOW = Duration.ofMillis(300);

    @ParentCommand
    private LogsCommand parent;

    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "APP", description = "The app's GUID, or a name given to it with `logs app`.")
    private String app;

    @Option(names = "--recent", arity = "0..1", paramLabel = "N", parameterConsumer = OptionalCount.class,
            description = {"Alone: print the app's recent logs and exit (as `cf logs --recent`).",
                "With N: print the newest N lines, then follow, with no gap and no line twice in between",
                "(and across reconnections); read from Log Cache where the endpoint serves it."})
    private Integer recent;

    @Option(names = "--dedup-limit", paramLabel = "N", defaultValue = "" + GapFreeTail.DEFAULT_MAX_SEEN,
            description = {"How many printed lines are remembered so that a line read from the store after a reconnection",
                "is not printed twice (default: ${DEFAULT-VALUE}, about 100 bytes each)."})
    private int dedupLimit;

    @Option(names = "--v2", description = "Read the v2 read API (/v2/read, the RLP gateway's Server-Sent Events) instead of the v1 stream.")
    private boolean v2;

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
        if (dedupLimit < 1) {
            throw new ParameterException(spec.commandLine(), "--dedup-limit must be at least 1, not " + dedupLimit);
        }
        CliContext context = parent.context();
        String appId = AppNames.resolve(app, context.config().load());
        if (recent != null && recent < 0) {
            return RecentCommand.printRecent(context, connection.target(context), appId, output, format, limits,
                    RecentCommand.DEFAULT_LINES, RecentLogs.NO_START);
        }
        Target target = connection.target(context);
        String notFound = "app '" + app + "' not found, or you may not read its logs";
        EnvelopePrinter printer = new EnvelopePrinter(context, output, format);
        Envelopes envelopes = new Envelopes(context.notices());
        DropNotices drops = new DropNotices(context.notices());
        OrderedBuffer<LogEntry> ordered = new OrderedBuffer<>(ORDERING_WINDOW.toNanos());
        Consumer<LogEntry> toOrdered = entry -> ordered.add(entry.timestamp(), entry, System.nanoTime());
        // Every tail fills the gaps of its reconnections from the store; with --recent N it also starts with the newest N.
        GapFreeTail seam = new GapFreeTail(
                RecentSources.forApp(target, appId, RecentCommand.DEFAULT_REQUEST_TIMEOUT, context.notices(), notFound),
                recent == null ? GapFreeTail.FOLLOW_ONLY : recent, dedupLimit, toOrdered, context.notices());
        // With --json, v2 envelopes are written as v2 only while the stream itself is v2, so one run never mixes both forms.
        AtomicBoolean streamIsV2 = new AtomicBoolean(v2);
        LiveStream stream = new LiveStream(context, limits);
        LineOutput lines = stream.output();

        StreamConnector v1Stream = new WebSocketConnector(target, target.websocket("/apps/" + Endpoints.segment(appId) + "/stream", null),
                frame -> {
                    Envelope envelope = envelopes.parse(frame);
                    if (envelope != null) {
                        liveV1(envelope, null, drops, seam);
                    }
                });
        StreamConnector v2Stream = new SseConnector(target, target.http(V2Paths.appLogs(appId)), batch -> {
            for (LoggregatorEnvelope.Envelope envelope : batch) {
                for (Envelope v1 : V2ToV1Converter.convert(envelope)) {
                    liveV1(v1, envelope, drops, seam);
                }
            }
        }, context.notices());
        return stream.run(target, v2 ? v2Stream : v1Stream, v2 ? null : v2Stream, notFound,
                new ReconnectingStream.Listener() {
                    @Override
                    public void connecting() {
                        seam.connecting();
                    }

                    @Override
                    public void connected(StreamConnector connector, Gap gap) {
                        if (gap == null) {
                            streamIsV2.set(connector == v2Stream);
                            context.notices().say("connected to " + ConnectionProblems.origin(target.endpoint())
                                    + (connector == v2Stream ? " (v2 read API)" : "") + ", tailing logs for app " + app + "...");
                        }
                        seam.connected(gap);
                    }
                },
                context,
                new LiveStream.Pending() {
                    @Override
                    public void printDue(LineOutput out) {
                        print(ordered.drainDue(System.nanoTime()), printer, out, streamIsV2.get());
                    }

                    @Override
                    public void printAll(LineOutput out) {
                        print(ordered.drainAll(), printer, out, streamIsV2.get());
                    }
                });
    }

    /** One envelope of the live stream (v1, or a v1 form of a v2 one): drop notices to stderr, log messages on. */
    private void liveV1(Envelope envelope, LoggregatorEnvelope.Envelope fromV2, DropNotices drops, GapFreeTail seam) {
        seam.arrived();
        if (!envelope.hasLogMessage()) {
            drops.show(envelope);
            return;
        }
        if (drops.show(envelope) && !output.json) {
            return;
        }
        seam.live(new LogEntry(envelope, fromV2));
    }

    /** {@code --recent} takes the next argument only when it is a number, so that {@code tail --recent APP} still works. */
    static final class OptionalCount implements picocli.CommandLine.IParameterConsumer {
        @Override
        public void consumeParameters(java.util.Stack<String> args, picocli.CommandLine.Model.ArgSpec argSpec,
                                      picocli.CommandLine.Model.CommandSpec commandSpec) {
            if (!args.isEmpty() && args.peek().matches("\\d{1,9}")) {
                argSpec.setValue(Integer.parseInt(args.pop()));
            } else {
                argSpec.setValue(-1);
            }
        }
    }

    private static void print(java.util.List<LogEntry> due, EnvelopePrinter printer, LineOutput lines, boolean v2Json) {
        for (LogEntry entry : due) {
            if (!printer.printLog(v2Json ? entry : entry.v1Only(), lines)) {
                break;
            }
        }
    }
}
