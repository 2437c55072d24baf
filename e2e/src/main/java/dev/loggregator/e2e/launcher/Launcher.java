package dev.loggregator.e2e.launcher;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Starts, inspects and stops a deployment: every component of a {@link DeploymentPlan} as its own
 * JVM, tier by tier (Dopplers, Traffic Controllers, gateway, demo emitter), each waited for until
 * its {@code /health} answers 200. If one fails, the last lines of its log are reported and
 * everything already started is stopped. bin/loggregator and the end-to-end tests both use it.
 */
public final class Launcher {
    private static final int LOG_LINES_ON_FAILURE = 30;
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final List<String> DEMO_JVM_ARGS = List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private final ProjectLayout layout;
    private final RunDirectory runDirectory;
    private final Options options;

    /**
     * @param jvmArgs      options for every component JVM (heap, GC)
     * @param build        build missing or outdated jars first (bin/loggregator); tests run on what Maven built
     * @param detach       start components in their own session so they outlive the launcher and the terminal
     * @param startTimeout how long one tier may take to become healthy
     */
    public record Options(List<String> jvmArgs, boolean build, boolean detach, Duration startTimeout, PrintStream out) {
        public Options {
            jvmArgs = List.copyOf(jvmArgs);
        }
    }

    public Launcher(ProjectLayout layout, RunDirectory runDirectory, Options options) {
        this.layout = layout;
        this.runDirectory = runDirectory;
        this.options = options;
    }

    public ProjectLayout layout() {
        return layout;
    }

    public RunDirectory runDirectory() {
        return runDirectory;
    }

    Options options() {
        return options;
    }

    /** Kinds of the plan whose module is not in this checkout yet (they are reported and skipped). */
    public Set<ComponentKind> unavailable(DeploymentPlan plan) {
        return plan.components().stream().map(ComponentSpec::kind)
                .filter(kind -> kind.runsFromJar() && !layout.hasModule(kind))
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** Builds what the plan needs (and the logs CLI) when a jar is missing or older than its sources. */
    public void buildWhatIsMissing(DeploymentPlan plan) {
        Set<String> modules = new LinkedHashSet<>();
        for (ComponentSpec spec : plan.components()) {
            ComponentKind kind = spec.kind();
            if (kind.runsFromJar() && layout.hasModule(kind) && layout.needsBuild(layout.jar(kind), kind.module())) {
                modules.add(kind.module());
            }
        }
        if (layout.hasCli() && layout.needsBuild(layout.cliJar(), "log-cli")) {
            modules.add("log-cli");
        }
        new ModuleBuilder(layout, options.out()).build(modules);
    }

    /**
     * Starts every available component of the plan and waits until each is healthy.
     *
     * @throws LaunchException when one does not come up; everything started is stopped again
     */
    public RunningSystem up(DeploymentPlan plan) {
        Optional<RunDirectory.State> previous = runDirectory.read();
        if (previous.isPresent() && previous.get().components().stream().anyMatch(e -> ManagedProcess.find(e).isPresent())) {
            throw new LaunchException("a deployment started from " + runDirectory.path() + " is still running"
                    + " (see `bin/loggregator status`); stop it first with `bin/loggregator down`");
        }
        Set<ComponentKind> unavailable = unavailable(plan);
        if (options.build()) {
            buildWhatIsMissing(plan);
        }
        Map<Integer, List<ManagedProcess>> tiers = new TreeMap<>();
        for (ComponentSpec spec : plan.components()) {
            if (unavailable.contains(spec.kind())) {
                continue;
            }
            tiers.computeIfAbsent(spec.tier(), t -> new ArrayList<>()).add(
                    new ManagedProcess(spec, command(spec), layout.root(), runDirectory.log(spec.name())));
        }
        RunningSystem system = new RunningSystem(plan, runDirectory, new LinkedHashMap<>(), this);
        Thread cleanup = new Thread(() -> system.stopAll(Duration.ofSeconds(10)), "launcher-abort");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            for (List<ManagedProcess> tier : tiers.values()) {
                for (ManagedProcess process : tier) {
                    process.start();
                    system.add(process);
                    options.out().println("started " + process.name() + " (pid " + process.pid() + ")");
                }
                system.recordState();
                for (ManagedProcess process : tier) {
                    awaitStarted(process);
                }
            }
            system.recordState();
            return system;
        } catch (RuntimeException e) {
            system.stopAll(Duration.ofSeconds(10));
            throw e;
        } finally {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    List<String> command(ComponentSpec spec) {
        List<String> command = new ArrayList<>();
        if (options.detach() && Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            // Its own session: closing the terminal that ran `up` must not hang up the system.
            command.add("/usr/bin/setsid");
        }
        command.addAll(spec.launchPrefix());
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The demo emitter is a light client: the servers' heap settings would only waste memory on it.
        command.addAll(spec.kind() == ComponentKind.DEMO_EMITTER ? DEMO_JVM_ARGS : options.jvmArgs());
        if (spec.kind().runsFromJar()) {
            Path jar = layout.jar(spec.kind());
            if (!Files.isRegularFile(jar)) {
                throw new LaunchException(spec.name() + ": " + layout.root().relativize(jar)
                        + " is missing; build it with ./mvnw -B -DskipTests package");
            }
            command.add("-jar");
            command.add(jar.toString());
        } else {
            command.add("-cp");
            command.add(classpathOfThisJvm());
            command.add(spec.kind().mainClass());
        }
        command.addAll(spec.args());
        if (spec.health() == null) {
            command.addAll(List.of("--ready-file", readyFile(spec).toString()));
        }
        return command;
    }

    /** This JVM's class path with absolute entries, for helper processes that run this module's main classes. */
    public static String classpathOfThisJvm() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }

    /**
     * A component without a health endpoint (the demo emitter) creates this file once it is working;
     * the launcher deletes it before each start.
     */
    Path readyFile(ComponentSpec spec) {
        return runDirectory.path().resolve(spec.name() + ".ready");
    }

    /** Healthy (or, without a health endpoint, ready by its ready file); fails fast if the process exits. */
    void awaitStarted(ManagedProcess process) {
        long deadline = System.nanoTime() + options.startTimeout().toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw failure(process, "exited during startup");
            }
            if (process.spec().health() == null) {
                if (Files.exists(readyFile(process.spec()))) {
                    options.out().println(process.name() + " is running");
                    return;
                }
            } else if (HealthProbe.healthy(process.spec().health())) {
                options.out().println(process.name() + " is healthy (" + process.spec().health() + ")");
                return;
            }
            if (System.nanoTime() > deadline) {
                throw failure(process, "did not report healthy at " + process.spec().health()
                        + " within " + options.startTimeout().toSeconds() + " s");
            }
            pause(200);
        }
    }

    private LaunchException failure(ManagedProcess process, String what) {
        StringBuilder message = new StringBuilder(process.name() + " " + what + "; last lines of " + process.log() + ":\n");
        for (String line : LogTail.lastLines(process.log(), LOG_LINES_ON_FAILURE)) {
            message.append("    ").append(line).append('\n');
        }
        message.append("the other components were stopped.");
        return new LaunchException(message.toString());
    }

    /** Stops what the last {@code up} from this run directory started; returns how many were running. */
    public int down() {
        Optional<RunDirectory.State> state = runDirectory.read();
        if (state.isEmpty()) {
            options.out().println("nothing to stop: no deployment was started from " + runDirectory.path());
            return 0;
        }
        List<RunDirectory.Entry> entries = new ArrayList<>(state.get().components());
        entries.sort(Comparator.comparing((RunDirectory.Entry e) -> ComponentKind.valueOf(e.kind()).ordinal()).reversed());
        Map<RunDirectory.Entry, ProcessHandle> running = new LinkedHashMap<>();
        for (RunDirectory.Entry entry : entries) {
            ManagedProcess.find(entry).ifPresentOrElse(h -> {
                h.destroy();
                running.put(entry, h);
            }, () -> options.out().println(entry.name() + " was not running"));
        }
        running.forEach((entry, h) -> {
            boolean clean = ManagedProcess.stop(h, STOP_GRACE);
            options.out().println("stopped " + entry.name() + " (pid " + entry.pid() + ")"
                    + (clean ? "" : ": did not exit on SIGTERM within " + STOP_GRACE.toSeconds() + " s, killed"));
        });
        runDirectory.clear(entries);
        return running.size();
    }

    /** One line per component of the last {@code up}; returns the number not running or not healthy. */
    public int status() {
        Optional<RunDirectory.State> state = runDirectory.read();
        if (state.isEmpty()) {
            options.out().println("not running (no deployment was started from " + runDirectory.path() + ")");
            return 0;
        }
        int bad = 0;
        options.out().printf("manifest %s, logging endpoint %s%n", state.get().manifest(), state.get().endpoint());
        options.out().printf("%-22s %-8s %-28s %s%n", "COMPONENT", "PID", "STATE", "LOG");
        for (RunDirectory.Entry entry : state.get().components()) {
            String health;
            if (ManagedProcess.find(entry).isEmpty()) {
                health = "exited";
                bad++;
            } else if (entry.health() == null) {
                health = "running";
            } else {
                int status = HealthProbe.status(java.net.URI.create(entry.health()));
                health = status == 200 ? "healthy" : status < 0 ? "running, health not answering" : "running, health " + status;
                if (status != 200) {
                    bad++;
                }
            }
            options.out().printf("%-22s %-8d %-28s %s%n", entry.name(), entry.pid(), health, entry.log());
        }
        return bad;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException("interrupted");
        }
    }
}
