package dev.loggregator.e2e.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Builds modules with the project's Maven wrapper, skipping tests, as a developer would by hand. */
public final class ModuleBuilder {
    private final ProjectLayout layout;
    private final PrintStream out;

    public ModuleBuilder(ProjectLayout layout, PrintStream out) {
        this.layout = layout;
        this.out = out;
    }

    /** Packages the given modules and what they depend on; throws when Maven fails. */
    public void build(Collection<String> modules) {
        if (modules.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of(layout.root().resolve("mvnw").toString(),
                "-q", "-B", "-DskipTests", "package", "-am", "-pl", String.join(",", modules)));
        out.println("building " + String.join(", ", modules) + " (" + String.join(" ", command.subList(1, command.size())) + ")");
        try {
            Process maven = new ProcessBuilder(command)
                    .directory(layout.root().toFile())
                    .inheritIO()
                    .start();
            int status = maven.waitFor();
            if (status != 0) {
                throw new LaunchException("the build failed (mvnw exited with " + status + "); see its output above");
            }
        } catch (IOException e) {
            throw new LaunchException("cannot run the Maven wrapper: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException("interrupted while building");
        }
    }
}
