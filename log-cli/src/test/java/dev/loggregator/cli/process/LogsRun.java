package dev.loggregator.cli.process;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code logs} program ({@code dev.loggregator.cli.LogsCommand}) run as its own JVM on
 * the test classpath, with the JVM flags of {@code bin/logs}, its own environment (config file,
 * endpoint, token, time zone) and stdout/stderr captured separately in files.
 */
final class LogsRun implements AutoCloseable {
    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final String description;

    private LogsRun(Process process, Path stdout, Path stderr, String description) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.description = description;
    }

    /** Starts {@code logs args...}; {@code stdin} null means no input (closed at once). */
    static LogsRun start(Map<String, String> env, String stdin, String... args) {
        return start(env, stdin, javaCommand(args), "logs " + String.join(" ", args));
    }

    /**
     * Runs {@code logs args...} on a pseudo-terminal (util-linux {@code script}), as in an
     * interactive shell: stdin and stdout are a terminal, so colour is on.
     */
    static LogsRun runOnTerminal(Map<String, String> env, String... args) {
        StringBuilder shell = new StringBuilder();
        for (String word : javaCommand(args)) {
            shell.append('\'').append(word.replace("'", "'\\''")).append("' ");
        }
        LogsRun run = start(env, null, List.of("script", "-qec", shell.toString(), "/dev/null"),
                "logs " + String.join(" ", args) + " (on a terminal)");
        run.awaitExit(Duration.ofSeconds(60));
        return run;
    }

    private static List<String> javaCommand(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"),
                "dev.loggregator.cli.LogsCommand"));
        command.addAll(List.of(args));
        return command;
    }

    private static LogsRun start(Map<String, String> env, String stdin, List<String> command, String description) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "logs-runs"));
            Path out = Files.createTempFile(dir, "stdout-", ".txt");
            Path err = Files.createTempFile(dir, "stderr-", ".txt");
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().remove("LOGS_ENDPOINT");
            builder.environment().remove("LOGS_TOKEN");
            builder.environment().remove("LOGS_DOPPLER");
            builder.environment().putAll(env);
            Process process = builder.start();
            if (stdin != null) {
                process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            return new LogsRun(process, out, err, description);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs to completion (at most {@code timeout}) and returns the exit status. */
    static LogsRun run(Map<String, String> env, String stdin, String... args) {
        LogsRun run = start(env, stdin, args);
        run.awaitExit(Duration.ofSeconds(60));
        return run;
    }

    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                String threads = threadDump();
                process.destroyForcibly();
                throw new AssertionError(description + " did not exit within " + timeout + "\n" + this
                        + "\n--- its threads ---\n" + threads);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** What a process that will not exit is waiting for ({@code jcmd Thread.print}, from the JDK running the tests). */
    private String threadDump() {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
                    .redirectErrorStream(true).start();
            String text = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            dump.waitFor(10, TimeUnit.SECONDS);
            return text;
        } catch (IOException e) {
            return "(no thread dump: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(no thread dump: interrupted)";
        }
    }

    int exitCode() {
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    List<String> stdoutLines() {
        return stdout().lines().toList();
    }

    /** Waits until stderr contains {@code text} (e.g. the "connected" notice). */
    void awaitStderr(String text, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!process.isAlive() && !stderr().contains(text)) {
                throw new AssertionError(description + " exited before printing '" + text + "'\n" + this);
            }
            return stderr().contains(text);
        });
    }

    void awaitStdoutLines(int count, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> stdoutLines().size() >= count);
    }

    /** SIGINT, as Ctrl-C in a terminal sends. */
    void interrupt() {
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "--- " + description + " stdout ---\n" + stdout() + "--- stderr ---\n" + stderr();
    }
}
