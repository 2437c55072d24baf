package dev.loggregator.cli.command;

import dev.loggregator.cli.CliContext;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.cli.config.Target;
import dev.loggregator.cli.output.LineOutput;
import dev.loggregator.cli.stream.Interrupts;
import dev.loggregator.cli.stream.ReconnectingStream;
import dev.loggregator.cli.stream.StreamConnector;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Runs a stream (v1 WebSocket or v2 Server-Sent Events) until something ends it: Ctrl-C (exit 0), SIGTERM, {@code --max-lines}
 * (exit 0), {@code --timeout} (exit 0, or 124 when {@code --max-lines} was not reached) or an error.
 * Whatever the cause, the connection is closed normally (a WebSocket with 1000) and buffered lines are printed first.
 * Output is flushed every 50 ms rather than per line, so a fast firehose costs few system calls.
 */
final class LiveStream {
    /** What the command prints besides frames as they come: {@code due} every tick, {@code all} at the end. */
    interface Pending {
        void printDue(LineOutput output);

        void printAll(LineOutput output);
    }

    private static final long TICK_MILLIS = 50;

    private final AtomicReference<ReconnectingStream> stream = new AtomicReference<>();
    private final LineOutput output;
    private final LimitOptions limits;

    LiveStream(CliContext context, LimitOptions limits) {
        this.limits = limits;
        this.output = new LineOutput(context.out(), limits.maxLines, () -> stop(ExitCode.OK));
    }

    LineOutput output() {
        return output;
    }

    private void stop(int exitCode) {
        ReconnectingStream current = stream.get();
        if (current != null) {
            current.stop(exitCode);
        }
    }

    /** Lines are printed from one thread at a time: the ticker stops before the final print. */
    private static void finish(Thread ticker) {
        ticker.interrupt();
        try {
            ticker.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @param fallback  read instead when {@code connector}'s API answers its first request with 404; may be null
     * @param onConnect runs each time a connection is up, with the connector that made it
     */
    int run(Target target, StreamConnector connector, StreamConnector fallback, String notFoundMessage,
            Consumer<StreamConnector> onConnect, CliContext context, Pending pending) {
        ReconnectingStream reconnecting = new ReconnectingStream(target, connector, fallback, notFoundMessage,
                context.notices(), onConnect);
        stream.set(reconnecting);
        Interrupts.onCtrlC(() -> reconnecting.stop(ExitCode.OK));
        CountDownLatch finished = new CountDownLatch(1);
        Thread onTerm = new Thread(() -> {
            reconnecting.stop(ExitCode.OK);
            try {
                finished.await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "logs-shutdown");
        Runtime.getRuntime().addShutdownHook(onTerm);
        if (limits.timeout != null) {
            int code = limits.maxLines > 0 ? ExitCode.TIMEOUT : ExitCode.OK;
            CompletableFuture.delayedExecutor(limits.timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .execute(() -> reconnecting.stop(code));
        }
        if (output.done()) {
            reconnecting.stop(ExitCode.OK);
        }
        Thread ticker = new Thread(() -> {
            while (!output.done()) {
                pending.printDue(output);
                output.flush();
                try {
                    Thread.sleep(TICK_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "logs-output");
        ticker.setDaemon(true);
        ticker.start();
        try {
            int code = reconnecting.run();
            finish(ticker);
            pending.printAll(output);
            output.flush();
            return code == ExitCode.TIMEOUT && output.limitReached() ? ExitCode.OK : code;
        } finally {
            finish(ticker);
            output.flush();
            finished.countDown();
        }
    }
}
