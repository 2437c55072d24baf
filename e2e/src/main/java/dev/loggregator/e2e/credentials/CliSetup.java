package dev.loggregator.e2e.credentials;

import dev.loggregator.e2e.launcher.ProjectLayout;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Points the {@code logs} CLI at the deployment and stores the token through the CLI's own
 * commands ({@code logs target}, {@code logs token}), so its config file stays the CLI's business
 * ({@code $LOGS_CONFIG} or {@code ~/.config/logs/config.json}).
 */
public final class CliSetup {
    private final ProjectLayout layout;
    private final PrintStream out;

    public CliSetup(ProjectLayout layout, PrintStream out) {
        this.layout = layout;
        this.out = out;
    }

    /**
     * Returns false (after saying why) when the CLI is not built or refused; the caller prints manual
     * steps. {@code apps} (name to GUID) are stored with {@code logs app}, so users type the names.
     */
    public boolean configure(URI endpoint, Optional<String> token, Optional<Path> trust, Map<String, String> apps) {
        Path jar = layout.cliJar();
        if (!Files.isRegularFile(jar)) {
            out.println("the logs CLI is not available yet (" + layout.root().relativize(jar) + " missing)");
            return false;
        }
        List<String> target = new ArrayList<>(List.of("target", endpoint.toString()));
        trust.ifPresent(cert -> target.addAll(List.of("--ca", cert.toString())));
        if (!run(jar, target)) {
            return false;
        }
        if (token.isPresent() && !run(jar, List.of("token", token.get()))) {
            return false;
        }
        for (Map.Entry<String, String> app : apps.entrySet()) {
            if (!run(jar, List.of("app", app.getKey(), app.getValue()))) {
                return false;
            }
        }
        return true;
    }

    private boolean run(Path jar, List<String> args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(args);
        try {
            Process process = new ProcessBuilder(command).directory(layout.root().toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            int status = process.waitFor();
            if (status != 0) {
                out.println("`logs " + args.get(0) + "` failed (exit " + status + "): " + output);
                return false;
            }
            return true;
        } catch (IOException e) {
            out.println("cannot run the logs CLI: " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
