package dev.loggregator.cli.command;

import dev.loggregator.cli.CliContext;
import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.cli.LogsCommand;
import dev.loggregator.cli.config.CliConfig;
import dev.loggregator.cli.config.TokenClaims;
import dev.loggregator.cli.config.TokenProvider;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code logs login}: store a token (read from the terminal without echo, or from stdin), or a
 * command that prints a fresh one (e.g. {@code cf oauth-token}), run whenever the server says 401.
 */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = {"Store the token to send (prompted for, or read from standard input), or a command printing a fresh token.",
            "Example: logs login --token-command 'cf oauth-token'"})
public final class LoginCommand implements Callable<Integer> {
    @ParentCommand
    private LogsCommand parent;

    @Option(names = "--token-command", paramLabel = "COMMAND",
            description = "A shell command that prints a fresh token; run now, on every 401 and by `logs token`.")
    private String tokenCommand;

    @Override
    public Integer call() {
        CliContext context = parent.context();
        CliConfig config = context.config().load();
        String token;
        if (tokenCommand != null) {
            if (tokenCommand.isBlank()) {
                throw new CliException(ExitCode.USAGE, "--token-command must not be empty");
            }
            context.config().save(config.withTokenCommand(tokenCommand).withToken(null));
            token = new TokenProvider(context.config(), null, null, tokenCommand).refresh();
        } else {
            token = TokenProvider.normalize(readToken());
            if (token == null) {
                throw new CliException(ExitCode.USAGE, "no token given: paste one (with or without `bearer `), or use --token-command");
            }
            // A pasted token replaces any command: a 401 should now ask the user, not run a stale command.
            context.config().save(config.withToken(token).withTokenCommand(null));
        }
        TokenClaims claims = TokenClaims.of(token);
        context.out().println("stored " + (claims == null ? "token" : claims.describe()) + " in " + context.config().path());
        context.out().flush();
        return ExitCode.OK;
    }

    private static String readToken() {
        Console console = System.console();
        if (console != null) {
            char[] typed = console.readPassword("Token: ");
            return typed == null ? null : new String(typed);
        }
        try {
            return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot read the token from standard input: " + e.getMessage(), e);
        }
    }
}
