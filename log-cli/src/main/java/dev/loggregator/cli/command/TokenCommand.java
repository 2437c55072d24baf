package dev.loggregator.cli.command;

import dev.loggregator.cli.CliContext;
import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.cli.LogsCommand;
import dev.loggregator.cli.config.CliConfig;
import dev.loggregator.cli.config.TokenClaims;
import dev.loggregator.cli.config.TokenProvider;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code logs token [TOKEN]}: store a token non-interactively (scripts, {@code bin/loggregator up}),
 * or print the Authorization value in use, freshly fetched when a token command is configured.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"With TOKEN: store it (replacing any token command). Without: print the token `logs` sends",
            "(`bearer ...`), e.g. for curl -H \"Authorization: $(logs token)\"; with a token command",
            "(logs login --token-command), it runs first and the fresh token is stored."})
public final class TokenCommand implements Callable<Integer> {
    @ParentCommand
    private LogsCommand parent;

    @Parameters(index = "0", arity = "0..1", paramLabel = "TOKEN", description = "A JWT, with or without `bearer `.")
    private String newToken;

    @Override
    public Integer call() {
        CliContext context = parent.context();
        CliConfig config = context.config().load();
        if (newToken != null) {
            String token = TokenProvider.normalize(newToken);
            if (token == null) {
                throw new CliException(ExitCode.USAGE, "the token is empty");
            }
            context.config().save(config.withToken(token).withTokenCommand(null));
            TokenClaims claims = TokenClaims.of(token);
            context.notices().say("stored " + (claims == null ? "token" : claims.describe()) + " in " + context.config().path());
            return ExitCode.OK;
        }
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
