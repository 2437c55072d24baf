package dev.loggregator.cli.config;

import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import dev.loggregator.wire.appid.AppGuids;

/**
 * What users type for an app: its GUID (what Loggregator knows apps by, and all the Traffic
 * Controller accepts), or a name stored with {@code logs app NAME GUID} ({@code bin/loggregator up
 * --demo} stores the demo apps' names). The cf CLI asks the Cloud Controller instead; this CLI
 * talks to Loggregator only.
 */
public final class AppNames {
    private AppNames() {
    }

    public static String resolve(String typed, CliConfig config) {
        if (AppGuids.isGuid(typed)) {
            return typed;
        }
        String guid = config.apps().get(typed);
        if (guid != null) {
            return guid;
        }
        throw new CliException(ExitCode.USAGE, "'" + typed + "' is not an app GUID, and no app of that name is known "
                + "here: give the app's GUID (cf app " + typed + " --guid), or name it once with `logs app " + typed + " GUID`");
    }
}
