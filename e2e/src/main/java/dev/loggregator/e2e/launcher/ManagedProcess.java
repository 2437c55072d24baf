package dev.loggregator.e2e.launcher;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One component's JVM: started with its output appended to its log, stopped with SIGTERM (its
 * shutdown hook drains) and, if it does not exit in time, SIGKILL. It can be started again with
 * the same command, which is how tests restart a killed Doppler.
 */
public final class ManagedProcess {
    private final ComponentSpec spec;
    private final List<String> command;
    private final Path workingDirectory;
    private final Path log;
    private volatile ProcessHandle handle;

    ManagedProcess(ComponentSpec spec, List<String> command, Path workingDirectory, Path log) {
        this.spec = spec;
        this.command = List.copyOf(command);
        this.workingDirectory = workingDirectory;
        this.log = log;
    }

    /** A process recorded by an earlier {@code up}, if it is still that process (not a recycled pid). */
    static Optional<ProcessHandle> find(RunDirectory.Entry entry) {
        return ProcessHandle.of(entry.pid()).filter(ProcessHandle::isAlive).filter(h -> {
            Optional<Instant> started = h.info().startInstant();
            return entry.startedAt() == null || started.isEmpty()
                    || started.get().toString().equals(entry.startedAt());
        });
    }

    public ComponentSpec spec() {
        return spec;
    }

    public String name() {
        return spec.name();
    }

    public Path log() {
        return log;
    }

    public List<String> command() {
        return command;
    }

    public synchronized void start() {
        if (handle != null && handle.isAlive()) {
            throw new IllegalStateException(name() + " is already running (pid " + handle.pid() + ")");
        }
        try {
            Files.createDirectories(log.getParent());
            Files.deleteIfExists(log.resolveSibling(name() + ".ready"));
            Files.writeString(log, "=== " + Instant.now() + " starting " + name() + ": " + String.join(" ", command) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Process process = new ProcessBuilder(command)
                    .directory(workingDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            handle = process.toHandle();
        } catch (IOException e) {
            throw new LaunchException("cannot start " + name() + ": " + e.getMessage());
        }
    }

    public boolean isAlive() {
        ProcessHandle h = handle;
        return h != null && h.isAlive();
    }

    public long pid() {
        ProcessHandle h = handle;
        return h == null ? -1 : h.pid();
    }

    Optional<ProcessHandle> handle() {
        return Optional.ofNullable(handle);
    }

    /** SIGKILL, as a crash would: no shutdown hook runs. */
    public void kill() {
        ProcessHandle h = handle;
        if (h != null) {
            h.destroyForcibly();
            awaitExit(h, Duration.ofSeconds(10));
        }
    }

    /** SIGTERM, then SIGKILL after {@code grace}; returns true if it stopped on SIGTERM. */
    public boolean stop(Duration grace) {
        ProcessHandle h = handle;
        return h == null || stop(h, grace);
    }

    static boolean stop(ProcessHandle h, Duration grace) {
        if (!h.isAlive()) {
            return true;
        }
        h.destroy();
        if (awaitExit(h, grace)) {
            return true;
        }
        h.destroyForcibly();
        awaitExit(h, Duration.ofSeconds(10));
        return false;
    }

    static boolean awaitExit(ProcessHandle h, Duration timeout) {
        try {
            h.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !h.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    RunDirectory.Entry entry() {
        ProcessHandle h = handle;
        String startedAt = h == null ? null : h.info().startInstant().map(Instant::toString).orElse(null);
        return new RunDirectory.Entry(name(), spec.kind().name(), pid(), startedAt,
                spec.health() == null ? null : spec.health().toString(), log.toString(), String.join(" ", command));
    }

    @Override
    public String toString() {
        return name() + " (pid " + pid() + ", log " + log + ")";
    }
}
