package dev.loggregator.cli.config;

import dev.loggregator.cli.CliException;
import dev.loggregator.cli.ExitCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The token sent as {@code Authorization}: {@code LOGS_TOKEN}, else the stored token; when a token
 * command is configured (and {@code LOGS_TOKEN} is not set) a 401 runs it for a fresh token, which
 * is stored for the next run. No token at all means no header (servers without access control).
 */
public final class TokenProvider {
    private static final long COMMAND_TIMEOUT_SECONDS = 60;

    private final ConfigStore store;
    private final boolean fromEnvironment;
    private final String command;
    private volatile String current;

    public TokenProvider(ConfigStore store, String environmentToken, String storedToken, String command) {
        this.store = store;
        this.fromEnvironment = environmentToken != null && !environmentToken.isBlank();
        this.command = fromEnvironment || command == null || command.isBlank() ? null : command;
        this.current = normalize(fromEnvironment ? environmentToken : storedToken);
    }

    /** The Authorization header value, running the token command first if there is no token yet; null for none. */
    public String authorization() {
        if (current == null && command != null) {
            refresh();
        }
        return current;
    }

    public boolean canRefresh() {
        return command != null;
    }

    /** Runs the token command, stores its output as the new token and returns the header value. */
    public synchronized String refresh() {
        if (command == null) {
            throw new IllegalStateException("no token command configured");
        }
        String fresh = normalize(runCommand(command));
        if (fresh == null) {
            throw new CliException(ExitCode.UNAUTHORIZED, "the token command printed nothing: " + command);
        }
        current = fresh;
        store.save(store.load().withToken(fresh));
        return fresh;
    }

    /** {@code bearer <jwt>} whatever the user pasted: with or without the prefix, any case, surrounding space. */
    public static String normalize(String token) {
        if (token == null || token.isBlank()) {
            return null;
        }
        String trimmed = token.strip().replaceFirst("(?i)^bearer(\\s+|$)", "");
        return trimmed.isEmpty() ? null : "bearer " + trimmed;
    }

    /** Runs {@code command} with {@code sh -c} and returns its standard output; its stderr goes to ours. */
    static String runCommand(String command) {
        try {
            Process process = new ProcessBuilder(List.of("/bin/sh", "-c", command))
                    .redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            byte[] output;
            try (InputStream in = process.getInputStream()) {
                output = in.readAllBytes();
            }
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new CliException(ExitCode.UNAUTHORIZED, "the token command did not finish within "
                        + COMMAND_TIMEOUT_SECONDS + " s: " + command);
            }
            if (process.exitValue() != 0) {
                throw new CliException(ExitCode.UNAUTHORIZED, "the token command failed with exit status "
                        + process.exitValue() + ": " + command);
            }
            return new String(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException(ExitCode.UNAUTHORIZED, "cannot run the token command '" + command + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.UNAUTHORIZED, "interrupted while running the token command", e);
        }
    }
}
