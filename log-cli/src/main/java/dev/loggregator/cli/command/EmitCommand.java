package dev.loggregator.cli.command;

import dev.loggregator.cli.CliContext;
import dev.loggregator.cli.config.AppNames;
import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.cli.LogsCommand;
import dev.loggregator.cli.emit.IngressEmitter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code logs emit <app> [message]}: send log lines to a Doppler (v2 gRPC ingress), for scripts, demos and tests. */
@Command(name = "emit", mixinStandardHelpOptions = true,
        description = {"Send log lines for an app to a Doppler's v2 gRPC ingress, as a Loggregator agent would.",
            "With MESSAGE, send it as one envelope; without, send one envelope per line of standard input."})
public final class EmitCommand implements Callable<Integer> {
    static final String DEFAULT_DOPPLER = "127.0.0.1:8082";

    @ParentCommand
    private LogsCommand parent;

    @Parameters(index = "0", paramLabel = "APP", description = "The app's GUID (the envelopes' source id), or a name given to it with `logs app`.")
    private String app;

    @Parameters(index = "1..*", paramLabel = "MESSAGE", arity = "0..*",
            description = "The message (words are joined with spaces). Omit to read lines from standard input.")
    private List<String> message;

    @Option(names = "--doppler", paramLabel = "HOST:PORT",
            description = "The Doppler's gRPC ingress. Default: LOGS_DOPPLER, the config's doppler, else " + DEFAULT_DOPPLER + ".")
    private String doppler;

    @Option(names = "--source-type", paramLabel = "TYPE", defaultValue = "APP/PROC/WEB",
            description = "Source type shown in [SOURCE/INSTANCE] (default: ${DEFAULT-VALUE}).")
    private String sourceType;

    @Option(names = "--instance", paramLabel = "ID", defaultValue = "0", description = "Source instance (default: ${DEFAULT-VALUE}).")
    private String instance;

    @Option(names = "--err", description = "Send as ERR (standard error) instead of OUT.")
    private boolean err;

    @Option(names = "--doppler-ca", paramLabel = "FILE", description = "Use TLS, trusting this PEM CA for the Doppler.")
    private Path dopplerCa;

    @Option(names = "--doppler-cert", paramLabel = "FILE", description = "Client certificate (PEM) for mutual TLS.")
    private Path dopplerCert;

    @Option(names = "--doppler-key", paramLabel = "FILE", description = "Client private key (PEM, PKCS#8) for mutual TLS.")
    private Path dopplerKey;

    @Override
    public Integer call() {
        CliContext context = parent.context();
        String appId = AppNames.resolve(app, context.config().load());
        String hostPort = dopplerAddress(context);
        IngressEmitter.Lines lines = message != null && !message.isEmpty()
                ? oneLine(String.join(" ", message))
                : stdinLines();
        try (IngressEmitter emitter = new IngressEmitter(hostPort, new IngressEmitter.DopplerTls(dopplerCa, dopplerCert, dopplerKey))) {
            emitter.send(lines, new IngressEmitter.LogTemplate(appId, sourceType, instance, err));
        }
        return ExitCode.OK;
    }

    private String dopplerAddress(CliContext context) {
        String address = doppler;
        if (address == null) {
            address = context.env().get("LOGS_DOPPLER");
        }
        if (address == null || address.isBlank()) {
            address = context.config().load().doppler();
        }
        if (address == null || address.isBlank()) {
            address = DEFAULT_DOPPLER;
        }
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1 || !address.substring(colon + 1).chars().allMatch(Character::isDigit)) {
            throw new CliException(ExitCode.USAGE, "bad Doppler address '" + address + "': expected HOST:PORT, e.g. " + DEFAULT_DOPPLER);
        }
        return address;
    }

    private static IngressEmitter.Lines stdinLines() {
        BufferedReader reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        return new IngressEmitter.Lines() {
            @Override
            public String next() throws IOException {
                return reader.readLine();
            }

            @Override
            public boolean ready() throws IOException {
                return reader.ready();
            }
        };
    }

    private static IngressEmitter.Lines oneLine(String text) {
        Iterator<String> single = List.of(text).iterator();
        return new IngressEmitter.Lines() {
            @Override
            public String next() {
                return single.hasNext() ? single.next() : null;
            }

            @Override
            public boolean ready() {
                return single.hasNext();
            }
        };
    }
}
