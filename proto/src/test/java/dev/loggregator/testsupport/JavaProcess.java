package dev.loggregator.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A component started as its own JVM, on the test's classpath, with its output in a log file.
 * Tests talk to it only over sockets, as clients would; {@link #close()} stops it with SIGTERM
 * (then SIGKILL) so no process outlives the test.
 */
public final class JavaProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final String name;

    private JavaProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code mainClass} with {@code args}; {@code jvmArgs} go before the class name. */
    public static JavaProcess start(String name, String mainClass, List<String> jvmArgs, String... args) {
        List<String> command = command(mainClass, jvmArgs, args);
        try {
            Path dir = Files.createDirectories(Path.of("target", "process-logs"));
            Path log = Files.createTempFile(dir, name + "-", ".log");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new JavaProcess(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    public static JavaProcess start(String name, String mainClass, String... args) {
        return start(name, mainClass, List.of(), args);
    }

    /** What a process that ran to its end left: its exit status and, apart, what it wrote on stdout and stderr. */
    public record Finished(int exitStatus, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit status " + exitStatus + "\n--- stdout:\n" + stdout + "--- stderr:\n" + stderr;
        }
    }

    /**
     * Runs {@code mainClass} with {@code args} to its end (a command line that is refused, {@code --help})
     * and returns its exit status with stdout and stderr kept apart; fails if it is still running after
     * {@code timeout} (it is then killed).
     */
    public static Finished run(String name, String mainClass, Duration timeout, String... args) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "process-logs"));
            Path stdout = Files.createTempFile(dir, name + "-", ".stdout");
            Path stderr = Files.createTempFile(dir, name + "-", ".stderr");
            Process process = new ProcessBuilder(command(mainClass, List.of(), args))
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError(name + " still running after " + timeout + ": " + String.join(" ", args));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + name, e);
            } finally {
                process.destroyForcibly();
            }
            return new Finished(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + name, e);
        }
    }

    private static List<String> command(String mainClass, List<String> jvmArgs, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(List.of(args));
        return command;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    /** The process's output so far, for assertion messages and debugging. */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "<cannot read " + log + ": " + e.getMessage() + ">";
        }
    }

    public Path logFile() {
        return log;
    }

    /** SIGKILL, as a crash would: no shutdown hooks run. */
    public void kill() {
        process.destroyForcibly();
        waitFor(10);
    }

    /** SIGTERM and wait up to {@code seconds} for a clean exit; returns the exit code or -1. */
    public int terminate(int seconds) {
        process.destroy();
        if (waitFor(seconds)) {
            return process.exitValue();
        }
        process.destroyForcibly();
        waitFor(10);
        return -1;
    }

    private boolean waitFor(int seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            terminate(15);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + (process.isAlive() ? process.pid() : "exited") + ", log " + log + ")";
    }
}
