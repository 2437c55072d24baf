package dev.loggregator.cli;

import dev.loggregator.cli.command.DrainsCommand;
import dev.loggregator.cli.command.EmitCommand;
import dev.loggregator.cli.command.FirehoseCommand;
import dev.loggregator.cli.command.LoginCommand;
import dev.loggregator.cli.command.MetricsCommand;
import dev.loggregator.cli.command.RecentCommand;
import dev.loggregator.cli.command.TailCommand;
import dev.loggregator.cli.command.TargetCommand;
import dev.loggregator.cli.command.AppCommand;
import dev.loggregator.cli.command.TokenCommand;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code logs}: read Loggregator logs and metrics like {@code cf logs}, from scripts as well as terminals. */
@Command(name = "logs",
        mixinStandardHelpOptions = true,
        versionProvider = LogsCommand.Version.class,
        description = {"Stream and read Cloud Foundry Loggregator logs and metrics (v1 API, v2 read API, Log Cache), in the cf CLI's format.", ""},
        subcommands = {
            TargetCommand.class,
            LoginCommand.class,
            TokenCommand.class,
            AppCommand.class,
            TailCommand.class,
            RecentCommand.class,
            MetricsCommand.class,
            DrainsCommand.class,
            FirehoseCommand.class,
            EmitCommand.class,
            AutoComplete.GenerateCompletion.class
        },
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0    success (also Ctrl-C, --max-lines reached, --timeout without --max-lines)",
            "  1    internal error",
            "  2    bad arguments or configuration",
            "  3    endpoint unreachable",
            "  4    TLS failure (see --ca, --skip-ssl-validation)",
            "  5    not authorized (run `logs login`)",
            "  6    app not found or no access",
            "  7    unexpected server response",
            "  124  --timeout expired before --max-lines lines, or a request timed out",
            "",
            "Environment: LOGS_ENDPOINT, LOGS_TOKEN, LOGS_DOPPLER override the config file",
            "($LOGS_CONFIG, else $XDG_CONFIG_HOME/logs/config.json, else ~/.config/logs/config.json)."
        })
public final class LogsCommand implements Runnable {
    private final CliContext context;

    @Spec
    private CommandLine.Model.CommandSpec spec;

    public LogsCommand(CliContext context) {
        this.context = context;
    }

    public CliContext context() {
        return context;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: try `logs tail <app>` or `logs --help`");
    }

    public static void main(String[] args) {
        System.setProperty(CliLogging.PROPERTY, "true");
        System.exit(execute(CliContext.system(), args));
    }

    /** Runs {@code logs args...} and returns its exit code (the process's, when called from main). */
    public static int execute(CliContext context, String... args) {
        CommandLine commandLine = new CommandLine(new LogsCommand(context));
        // Help, version and completion scripts go where data goes (stdout, or a test's buffer).
        commandLine.setOut(new java.io.PrintWriter(context.out(), true));
        commandLine.setExecutionExceptionHandler((exception, cmd, parseResult) -> {
            if (exception instanceof CliException cli) {
                if (cli.getMessage() != null && cli.exitCode() != ExitCode.OK) {
                    context.notices().say(cli.getMessage());
                }
                return cli.exitCode();
            }
            context.notices().say("internal error: " + exception);
            if (context.env().get("LOGS_DEBUG") != null) {
                exception.printStackTrace();
            }
            return ExitCode.INTERNAL;
        });
        commandLine.setParameterExceptionHandler((exception, ignored) -> {
            String command = exception.getCommandLine().getCommandSpec().qualifiedName();
            context.notices().say(exception.getMessage() + " (see `" + command + " --help`)");
            return ExitCode.USAGE;
        });
        int code = commandLine.execute(args);
        context.out().flush();
        return code;
    }

    /** The version from the jar's manifest (set by the build), else "development". */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = LogsCommand.class.getPackage().getImplementationVersion();
            return new String[] {"logs " + (version == null ? "(development build)" : version)};
        }
    }
}
