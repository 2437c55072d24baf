package dev.loggregator.e2e.netns;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A helper process (a gate, the DNS server) running inside a node's namespace, its output in a log file. */
public final class NodeProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private NodeProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    public static NodeProcess start(String name, NetworkNode node, List<String> command, Path log) {
        try {
            Process process = new ProcessBuilder(node.inside(command))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            return new NodeProcess(name, process, log);
        } catch (IOException e) {
            throw new NetworkSetupException("cannot start " + name + ": " + e.getMessage());
        }
    }

    /** Waits until {@code ready}; fails with the end of the log if the process exits or time runs out. */
    public NodeProcess awaitReady(BooleanSupplier ready, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new NetworkSetupException(name + " exited with " + process.exitValue() + ": " + logText());
            }
            if (System.nanoTime() > deadline) {
                throw new NetworkSetupException(name + " not ready within " + timeout.toSeconds() + " s: " + logText());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NetworkSetupException("interrupted waiting for " + name);
            }
        }
        return this;
    }

    public String logText() {
        try {
            String text = Files.readString(log);
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", log " + log + ")";
    }

    static Duration defaultTimeout() {
        return Duration.ofSeconds(60);
    }
}
