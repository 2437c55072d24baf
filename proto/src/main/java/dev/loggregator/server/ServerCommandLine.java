package dev.loggregator.server;

import dev.loggregator.manifest.ManifestException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The command line of a server process: a picocli {@code @Command} (with
 * {@code mixinStandardHelpOptions}) whose {@code call()} starts the server, run with the servers'
 * conventions ({@link ExitStatus}):
 * <ul>
 *   <li>{@code --help}/{@code -h} and {@code --version}/{@code -V}: picocli prints them on stdout, exit 0
 *       (the version is the jar's Implementation-Version);</li>
 *   <li>a bad command line: one line on stderr (the problem and the synopsis, not the whole usage), exit 2;</li>
 *   <li>a {@link ManifestException} out of {@code call()}: its message, one line on stderr, exit 2;</li>
 *   <li>any other exception out of {@code call()}: one line on stderr, exit 1;</li>
 *   <li>a thread dying of an {@link Error} while the server runs: logged, exit 3 at once ({@link FatalErrors}).</li>
 * </ul>
 * The usage message ends with these exit statuses.
 * Repeating an option is allowed, the last value wins (as with the servers' earlier hand-written parsing).
 */
public final class ServerCommandLine {
    private ServerCommandLine() {
    }

    /** Parses {@code args} into {@code command} and calls it; returns the exit status for {@code System.exit}. */
    public static int execute(Callable<Integer> command, String... args) {
        FatalErrors.install();
        return commandLine(command).execute(args);
    }

    /** The configured {@link CommandLine}, for tests that set its output writers. */
    public static CommandLine commandLine(Callable<Integer> command) {
        CommandLine commandLine = new CommandLine(command);
        commandLine.setOverwrittenOptionsAllowed(true);
        commandLine.setParameterExceptionHandler(ServerCommandLine::usageError);
        commandLine.setExecutionExceptionHandler(ServerCommandLine::failure);
        CommandSpec spec = commandLine.getCommandSpec();
        String version = command.getClass().getPackage().getImplementationVersion();
        spec.versionProvider(() -> new String[] {spec.name() + " " + (version == null ? "(development build)" : version)});
        spec.usageMessage().footerHeading("%nExit status:%n").footer(
                "  " + ExitStatus.OK + "  --help, --version, or drained after SIGTERM/SIGINT",
                "  " + ExitStatus.STARTUP_FAILED + "  cannot start (e.g. a port in use)",
                "  " + ExitStatus.USAGE + "  bad command line or manifest (one line on stderr)",
                "  " + ExitStatus.FATAL + "  a thread died of an Error (e.g. out of memory) while running");
        return commandLine;
    }

    /** {@code NAME: PROBLEM; usage: SYNOPSIS}; an unknown option is the problem even when a required one is missing too. */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine commandLine = e.getCommandLine();
        ParameterException problem = e;
        ParseResult parsed = commandLine.getParseResult();
        if (!(e instanceof UnmatchedArgumentException) && parsed != null && !parsed.unmatched().isEmpty()) {
            problem = new UnmatchedArgumentException(commandLine, parsed.unmatched());
        }
        String synopsis = commandLine.getHelp().synopsis(0).strip().replaceAll("\\s+", " ");
        commandLine.getErr().println(commandLine.getCommandName() + ": " + oneLine(problem.getMessage()) + "; usage: " + synopsis);
        commandLine.getErr().flush();
        return ExitStatus.USAGE;
    }

    private static int failure(Exception e, CommandLine commandLine, ParseResult parseResult) {
        if (e instanceof ManifestException) {
            commandLine.getErr().println(oneLine(e.getMessage()));
            commandLine.getErr().flush();
            return ExitStatus.USAGE;
        }
        commandLine.getErr().println(commandLine.getCommandName() + ": cannot start: " + oneLine(e.toString()));
        commandLine.getErr().flush();
        return ExitStatus.STARTUP_FAILED;
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}
