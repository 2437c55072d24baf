package dev.loggregator.cli;

import dev.loggregator.cli.config.ConfigStore;
import dev.loggregator.cli.output.Notices;
import java.io.PrintStream;
import java.time.ZoneId;
import java.util.Map;

/**
 * What a command needs from its surroundings: the environment (for LOGS_* overrides), the config
 * file, stdout for data, stderr notices, whether stdout is a terminal (colour) and the local zone.
 */
public record CliContext(Map<String, String> env, ConfigStore config, PrintStream out, Notices notices,
                         boolean terminal, ZoneId zone) {

    public static CliContext system() {
        Notices notices = Notices.stderr();
        Map<String, String> env = System.getenv();
        ConfigStore store = new ConfigStore(ConfigStore.locate(env, System.getProperty("user.home")), notices);
        return new CliContext(env, store, dev.loggregator.cli.output.LineOutput.stdout(), notices,
                System.console() != null, ZoneId.systemDefault());
    }

    /** Colour only on a terminal, and never with --no-color, NO_COLOR (no-color.org) or TERM=dumb. */
    public boolean color(boolean noColorOption) {
        return terminal && !noColorOption && env.get("NO_COLOR") == null && !"dumb".equals(env.get("TERM"));
    }
}
