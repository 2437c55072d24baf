package dev.loggregator.cli.command;

import dev.loggregator.cli.CliContext;
import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.cli.LogsCommand;
import dev.loggregator.cli.config.CliConfig;
import dev.loggregator.cli.config.TokenProvider;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code logs token}: print the Authorization value in use (freshly fetched and stored when a token command is set). */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"Print the token `logs` sends (`bearer ...`), e.g. for curl -H \"Authorization: $(logs token)\".",
            "With a token command (logs login --token-command), runs it first and stores the fresh token."})
public final class TokenCommand implements Callable<Integer> {
    @ParentCommand
    private LogsCommand parent;

    @Override
    public Integer call() {
        CliContext context = parent.context();
        CliConfig config = context.config().load();
        TokenProvider tokens = new TokenProvider(context.config(), context.env().get("LOGS_TOKEN"), config.token(), config.tokenCommand());
        String token = tokens.canRefresh() ? tokens.refresh() : tokens.authorization();
        if (token == null) {
            throw new CliException(ExitCode.USAGE, "no token: run `logs login` (or set LOGS_TOKEN)");
        }
        context.out().println(token);
        context.out().flush();
        return ExitCode.OK;
    }
}
