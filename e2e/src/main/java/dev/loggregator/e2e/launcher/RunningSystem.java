package dev.loggregator.e2e.launcher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The processes one {@code up} started. The launcher command forgets it (the processes live on,
 * {@code down} finds them through the run directory); tests keep it to kill, restart and finally
 * stop components.
 */
public final class RunningSystem implements AutoCloseable {
    private final DeploymentPlan plan;
    private final RunDirectory runDirectory;
    private final Map<String, ManagedProcess> processes;
    private final Launcher launcher;
    /** Gateways replaced by a reload: they drain and exit on their own, or are stopped with the rest. */
    private final List<ProcessHandle> retired = new ArrayList<>();

    RunningSystem(DeploymentPlan plan, RunDirectory runDirectory, Map<String, ManagedProcess> processes, Launcher launcher) {
        this.plan = plan;
        this.runDirectory = runDirectory;
        this.processes = processes;
        this.launcher = launcher;
    }

    synchronized void add(ManagedProcess process) {
        processes.put(process.name(), process);
    }

    synchronized void recordState() {
        List<RunDirectory.Entry> entries = new ArrayList<>();
        for (ManagedProcess process : processes.values()) {
            entries.add(process.entry());
        }
        runDirectory.write(new RunDirectory.State(plan.manifestFile().toAbsolutePath().toString(),
                plan.loggingEndpoint().toString(), entries));
    }

    public DeploymentPlan plan() {
        return plan;
    }

    public synchronized List<ManagedProcess> processes() {
        return Collections.unmodifiableList(new ArrayList<>(processes.values()));
    }

    public synchronized ManagedProcess process(String name) {
        ManagedProcess process = processes.get(name);
        if (process == null) {
            throw new NoSuchElementException("no component " + name + " in this deployment; have " + processes.keySet());
        }
        return process;
    }

    /** SIGKILL one component, as a crash would. */
    public void kill(String name) {
        process(name).kill();
    }

    /** Starts a stopped or killed component again with the same command and waits until it is healthy. */
    public void restart(String name) {
        ManagedProcess process = process(name);
        process.start();
        recordState();
        launcher.awaitStarted(process);
    }

    /**
     * {@code bin/loggregator reload} of the gateway {@code name}: a new process, started with the same
     * command (and so in the same network namespace), takes the listening sockets over; once it is
     * healthy the old one gets SIGTERM, drains its tunnels and exits on its own.
     */
    public void reload(String name) {
        ManagedProcess old = process(name);
        ProcessHandle oldHandle = old.handle().filter(ProcessHandle::isAlive)
                .orElseThrow(() -> new LaunchException(name + " is not running; nothing to reload"));
        ManagedProcess successor = new GatewayReload(launcher, launcher.options().out()).startSuccessor(old.spec(), oldHandle);
        synchronized (this) {
            processes.put(name, successor);
            retired.add(oldHandle);
        }
        recordState();
        oldHandle.destroy();
    }

    /** SIGTERM to every component at once, then SIGKILL for any still running after {@code grace}. */
    public void stopAll(Duration grace) {
        List<ManagedProcess> all = processes();
        List<ProcessHandle> draining;
        synchronized (this) {
            draining = List.copyOf(retired);
        }
        for (ManagedProcess process : all) {
            process.handle().filter(ProcessHandle::isAlive).ifPresent(ProcessHandle::destroy);
        }
        for (ProcessHandle h : draining) {
            ManagedProcess.stop(h, grace);
        }
        for (ManagedProcess process : all) {
            process.stop(grace);
        }
    }

    @Override
    public void close() {
        stopAll(Duration.ofSeconds(20));
        List<RunDirectory.Entry> entries = new ArrayList<>();
        for (ManagedProcess process : processes()) {
            entries.add(process.entry());
        }
        runDirectory.clear(entries);
    }
}
