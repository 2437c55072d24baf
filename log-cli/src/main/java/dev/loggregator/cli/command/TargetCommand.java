package dev.loggregator.cli.command;

import dev.loggregator.cli.CliContext;
import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.cli.LogsCommand;
import dev.loggregator.cli.config.CliConfig;
import dev.loggregator.cli.config.Endpoints;
import dev.loggregator.cli.config.TokenClaims;
import dev.loggregator.cli.config.TokenProvider;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code logs target [ENDPOINT]}: set or show the logging endpoint (the Traffic Controller, e.g. wss://doppler.example.com:443). */
@Command(name = "target", mixinStandardHelpOptions = true,
        description = {"Set the logging endpoint (ws:// or wss://) and its TLS options, or show the current settings.",
            "LOGS_ENDPOINT overrides the stored endpoint."})
public final class TargetCommand implements Callable<Integer> {
    @ParentCommand
    private LogsCommand parent;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ENDPOINT", description = "e.g. wss://doppler.sys.example.com:443")
    private String endpoint;

    @Option(names = "--skip-ssl-validation", description = "Do not verify the endpoint's certificate (insecure; development only).")
    private boolean skipSslValidation;

    @Option(names = "--ca", paramLabel = "FILE", description = "Trust the CA certificates in this PEM file for the endpoint.")
    private Path caFile;

    @Option(names = "--doppler", paramLabel = "HOST:PORT", description = "Doppler gRPC ingress for `logs emit`.")
    private String doppler;

    @Override
    public Integer call() {
        CliContext context = parent.context();
        CliConfig config = context.config().load();
        if (endpoint == null && !skipSslValidation && caFile == null && doppler == null) {
            show(context, config);
            return ExitCode.OK;
        }
        if (endpoint != null) {
            URI parsed = Endpoints.parse(endpoint);
            if (caFile != null && !Files.isReadable(caFile)) {
                throw new CliException(ExitCode.USAGE, "cannot read CA file " + caFile);
            }
            config = config.withEndpoint(parsed.toString(), skipSslValidation ? Boolean.TRUE : null,
                    caFile == null ? null : caFile.toAbsolutePath().toString());
        } else if (skipSslValidation || caFile != null) {
            throw new CliException(ExitCode.USAGE, "--skip-ssl-validation and --ca go with an ENDPOINT: logs target ENDPOINT --ca FILE");
        }
        if (doppler != null) {
            config = config.withDoppler(doppler);
        }
        context.config().save(config);
        show(context, config);
        return ExitCode.OK;
    }

    private static void show(CliContext context, CliConfig config) {
        String envEndpoint = context.env().get("LOGS_ENDPOINT");
        String envToken = context.env().get("LOGS_TOKEN");
        boolean fromEnv = envEndpoint != null && !envEndpoint.isBlank();
        String shownEndpoint = fromEnv ? envEndpoint + " (from LOGS_ENDPOINT)" : config.endpoint() == null ? "(not set)" : config.endpoint();
        context.out().println("endpoint: " + shownEndpoint);
        String tls = Boolean.TRUE.equals(config.skipSslValidation()) ? "not verified (--skip-ssl-validation)"
                : config.caFile() != null ? "trusting " + config.caFile() : "system CAs";
        context.out().println("tls:      " + tls);
        String token;
        if (envToken != null && !envToken.isBlank()) {
            token = "from LOGS_TOKEN";
        } else if (config.token() == null && config.tokenCommand() == null) {
            token = "(none: run `logs login`)";
        } else {
            TokenClaims claims = TokenClaims.of(TokenProvider.normalize(config.token()));
            token = (claims == null ? (config.token() == null ? "none stored" : "stored") : claims.describe())
                    + (config.tokenCommand() == null ? "" : "; refreshed by: " + config.tokenCommand());
        }
        context.out().println("token:    " + token);
        String envDoppler = context.env().get("LOGS_DOPPLER");
        context.out().println("doppler:  " + (envDoppler != null ? envDoppler + " (from LOGS_DOPPLER)"
                : config.doppler() != null ? config.doppler() : EmitCommand.DEFAULT_DOPPLER + " (default)"));
        context.out().println("config:   " + context.config().path());
        context.out().flush();
    }
}
