package dev.loggregator.e2e.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code logs} CLI as a user runs it ({@code log-cli/target/logs.jar}), with its own config file,
 * its stdout collected line by line. Long-running commands ({@code tail}) are stopped by {@link #close()}.
 * Reading stdout can be paused, so the process's pipe fills and its writes block, as when a user's
 * pipeline ({@code logs firehose | slow-filter}) does not keep up.
 */
public final class LogsCli implements AutoCloseable {
    private static final Path JAR = Path.of("..", "log-cli", "target", "logs.jar").toAbsolutePath().normalize();

    private final Process process;
    /** Not copy-on-write: a tail may print tens of thousands of lines, and each read copies the list once. */
    private final List<String> stdout = Collections.synchronizedList(new ArrayList<>());
    private final List<String> stderr = Collections.synchronizedList(new ArrayList<>());
    private final Object stdoutGate = new Object();
    private boolean stdoutPaused; // guarded by stdoutGate

    private LogsCli(Process process) {
        this.process = process;
        pump(process.getInputStream(), stdout, "logs-stdout", true);
        pump(process.getErrorStream(), stderr, "logs-stderr", false);
    }

    public static Path jar() {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: the logs CLI (log-cli module) has not been built");
        }
        return JAR;
    }

    /** Starts {@code logs args...} with {@code LOGS_CONFIG=config}. */
    public static LogsCli start(Path config, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.remove("LOGS_ENDPOINT");
        env.remove("LOGS_TOKEN");
        env.put("LOGS_CONFIG", config.toAbsolutePath().toString());
        try {
            return new LogsCli(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a short command to completion and returns its exit code. */
    public static Result run(Path config, String... args) {
        try (LogsCli cli = start(config, args)) {
            if (!cli.process.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("logs " + String.join(" ", args) + " did not finish in 60 s");
            }
            cli.awaitPumps();
            return new Result(cli.process.exitValue(), List.copyOf(cli.stdout), List.copyOf(cli.stderr));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs a configuration step (target, token...) that must succeed: a failure fails the test with the CLI's output. */
    public static void configure(Path config, String... args) {
        Result result = run(config, args);
        if (result.exitCode() != 0) {
            throw new AssertionError("logs " + String.join(" ", args) + " failed: " + result);
        }
    }

    public record Result(int exitCode, List<String> stdout, List<String> stderr) {
    }

    public List<String> stdout() {
        return List.copyOf(stdout);
    }

    public List<String> stderr() {
        return List.copyOf(stderr);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops taking stdout after the line being read: once the pipe is full, the process blocks writing. */
    public void pauseStdout() {
        synchronized (stdoutGate) {
            stdoutPaused = true;
        }
    }

    public void resumeStdout() {
        synchronized (stdoutGate) {
            stdoutPaused = false;
            stdoutGate.notifyAll();
        }
    }

    private void awaitStdoutResumed() throws InterruptedException {
        synchronized (stdoutGate) {
            while (stdoutPaused) {
                stdoutGate.wait();
            }
        }
    }

    private final List<Thread> pumps = new ArrayList<>();

    private void pump(java.io.InputStream in, List<String> lines, String name, boolean pausable) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    lines.add(line);
                    if (pausable) {
                        awaitStdoutResumed();
                    }
                }
            } catch (IOException e) {
                // The process ended.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        pumps.add(thread);
    }

    private void awaitPumps() throws InterruptedException {
        for (Thread thread : pumps) {
            thread.join(5000);
        }
    }

    @Override
    public void close() {
        resumeStdout(); // the process flushes its output as it stops
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    @Override
    public String toString() {
        return "logs stdout:\n" + String.join("\n", stdout()) + "\nstderr:\n" + String.join("\n", stderr());
    }
}
