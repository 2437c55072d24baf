package dev.loggregator.e2e.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The run directory ({@code .run/} for bin/loggregator): one log and one pid file per component,
 * and {@code state.json} listing what the last {@code up} started, so that {@code status} and
 * {@code down} (separate invocations) find the processes again.
 */
public final class RunDirectory {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    public RunDirectory(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path path() {
        return dir;
    }

    public Path log(String component) {
        return dir.resolve(component + ".log");
    }

    /** The logs CLI's settings for this deployment ({@code LOGS_CONFIG}), kept apart from the user's own. */
    public Path cliConfig() {
        return dir.resolve("logs-config.json");
    }

    public Path pidFile(String component) {
        return dir.resolve(component + ".pid");
    }

    private Path stateFile() {
        return dir.resolve("state.json");
    }

    /** What one started process was; {@code startedAt} guards against a recycled pid. */
    public record Entry(String name, String kind, long pid, String startedAt, String health, String log, String command) {
    }

    /** A record of the last {@code up}. */
    public record State(String manifest, String endpoint, List<Entry> components) {
        public State {
            components = components == null ? List.of() : List.copyOf(components);
        }
    }

    public void write(State state) {
        try {
            Files.createDirectories(dir);
            for (Entry entry : state.components()) {
                Files.writeString(pidFile(entry.name()), entry.pid() + "\n");
            }
            Path tmp = dir.resolve("state.json.tmp");
            JSON.writeValue(tmp.toFile(), state);
            Files.move(tmp, stateFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + stateFile(), e);
        }
    }

    public Optional<State> read() {
        if (!Files.isRegularFile(stateFile())) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(stateFile().toFile(), State.class));
        } catch (IOException e) {
            throw new LaunchException("cannot read " + stateFile() + ": " + e.getMessage());
        }
    }

    /** Forgets the last {@code up} once everything it started has stopped (logs are kept). */
    public void clear(List<Entry> entries) {
        try {
            for (Entry entry : new ArrayList<>(entries)) {
                Files.deleteIfExists(pidFile(entry.name()));
                Files.deleteIfExists(dir.resolve(entry.name() + ".ready"));
            }
            Files.deleteIfExists(stateFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
