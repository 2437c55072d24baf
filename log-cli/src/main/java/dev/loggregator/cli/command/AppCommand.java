package dev.loggregator.cli.command;

import dev.loggregator.cli.CliContext;
import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.cli.LogsCommand;
import dev.loggregator.cli.config.CliConfig;
import dev.loggregator.wire.appid.AppGuids;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code logs app [NAME [GUID]]}: names for app GUIDs, so {@code logs tail NAME} works. */
@Command(name = "app", mixinStandardHelpOptions = true,
        description = {"With NAME and GUID: remember that NAME means the app GUID (tail, recent, metrics and emit take",
            "either). With NAME: print its GUID. Without arguments: list the names known."})
public final class AppCommand implements Callable<Integer> {
    @ParentCommand
    private LogsCommand parent;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "An app name.")
    private String name;

    @Parameters(index = "1", arity = "0..1", paramLabel = "GUID", description = "The app's GUID.")
    private String guid;

    @Override
    public Integer call() {
        CliContext context = parent.context();
        CliConfig config = context.config().load();
        if (name == null) {
            for (Map.Entry<String, String> app : config.apps().entrySet()) {
                context.out().println(app.getKey() + " " + app.getValue());
            }
        } else if (guid == null) {
            String known = config.apps().get(name);
            if (known == null) {
                throw new CliException(ExitCode.USAGE, "no app named '" + name + "' is known here");
            }
            context.out().println(known);
        } else {
            if (!AppGuids.isGuid(guid) || AppGuids.isGuid(name)) {
                throw new CliException(ExitCode.USAGE, "usage: logs app NAME GUID, with a GUID such as "
                        + "6f1c8a2e-5b7d-4c3e-9a1f-2d4b6c8e0a12 and a name that is not one");
            }
            context.config().save(config.withApp(name, guid));
            context.notices().say("app " + name + " is " + guid);
        }
        context.out().flush();
        return ExitCode.OK;
    }
}
