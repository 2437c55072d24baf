package dev.loggregator.e2e.netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short system command (ip, nft) to completion; a non-zero exit is an error carrying its output. */
public final class SystemCommand {
    private static final long TIMEOUT_SECONDS = 30;

    private SystemCommand() {
    }

    /** Runs {@code command}, feeding {@code stdin} (may be null); returns its standard output. */
    public static String run(List<String> command, String stdin) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (stdin != null) {
                process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new NetworkSetupException(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new NetworkSetupException(String.join(" ", command) + " exited with " + process.exitValue()
                        + ": " + output.strip());
            }
            return output;
        } catch (IOException e) {
            throw new NetworkSetupException("cannot run " + String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetworkSetupException("interrupted running " + String.join(" ", command));
        }
    }

    public static String run(String... command) {
        return run(List.of(command), null);
    }

    /** Whether {@code command} runs and exits 0 (for probing what this machine can do). */
    public static boolean succeeds(String... command) {
        try {
            run(command);
            return true;
        } catch (NetworkSetupException e) {
            return false;
        }
    }
}
