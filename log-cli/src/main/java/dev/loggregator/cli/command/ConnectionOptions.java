package dev.loggregator.cli.command;

import dev.loggregator.cli.CliContext;
import dev.loggregator.cli.config.Target;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** TLS options of commands that talk to the endpoint; they override what `logs target` stored. */
public final class ConnectionOptions {
    @Option(names = "--skip-ssl-validation", description = "Do not verify the endpoint's certificate (insecure; development only).")
    boolean skipSslValidation;

    @Option(names = "--ca", paramLabel = "FILE", description = "Trust the CA certificates in this PEM file for the endpoint.")
    Path caFile;

    Target target(CliContext context) {
        return Target.resolve(context.config(), context.env(), skipSslValidation, caFile);
    }
}
