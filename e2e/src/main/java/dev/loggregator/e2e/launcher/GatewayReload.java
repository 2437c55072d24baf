package dev.loggregator.e2e.launcher;

import dev.loggregator.manifest.Manifest;
import dev.loggregator.manifest.ManifestLoader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code bin/loggregator reload}: replaces the running gateway with a new process (a new jar, the
 * manifest's current settings) without refusing a connection. The new process takes the listening
 * sockets over from the old one through the hand-over socket ({@code gateway.handover_socket});
 * once its {@code /health} answers 200 from its own pid, the old process gets SIGTERM. It stopped
 * accepting when the new one announced itself; it drains what it still serves (WebSocket tunnels
 * until {@code gateway.drain_deadline_ms}, then a Close 1001) and exits on its own.
 */
public final class GatewayReload {
    private static final int LOG_LINES_ON_FAILURE = 30;

    private final Launcher launcher;
    private final PrintStream out;

    public GatewayReload(Launcher launcher, PrintStream out) {
        this.launcher = launcher;
        this.out = out;
    }

    /**
     * @return the new gateway's pid
     * @throws LaunchException when nothing can be reloaded or the new process does not come up
     *                         (the old one then keeps serving)
     */
    public long run() {
        RunDirectory run = launcher.runDirectory();
        RunDirectory.State state = run.read().orElseThrow(() -> new LaunchException(
                "nothing was started from " + run.path() + "; start the system with `bin/loggregator up`"));
        RunDirectory.Entry oldEntry = state.components().stream().filter(e -> ComponentKind.GATEWAY.name().equals(e.kind())).findFirst()
                .orElseThrow(() -> new LaunchException("the running deployment has no gateway (gateway.enabled is false)"));
        ProcessHandle old = ManagedProcess.find(oldEntry).orElseThrow(() -> new LaunchException(
                "the gateway (pid " + oldEntry.pid() + ") is not running; start it with `bin/loggregator up --only gateway`"));
        Path manifestFile = Path.of(state.manifest());
        Manifest manifest = ManifestLoader.load(manifestFile);
        DeploymentPlan plan = DeploymentPlan.of(manifest, manifestFile, Set.of(oldEntry.name()), false);
        ComponentSpec spec = plan.components().stream().filter(c -> c.kind() == ComponentKind.GATEWAY).findFirst()
                .orElseThrow(() -> new LaunchException(manifestFile + " no longer enables the gateway (gateway.enabled); not reloaded"));
        if (spec.health() == null) {
            throw new LaunchException("reload waits for the new gateway's /health: set gateway.admin_port (it is 0)");
        }
        if (launcher.options().build()) {
            launcher.buildWhatIsMissing(plan);
        }
        ManagedProcess successor = startSuccessor(spec, old);

        List<RunDirectory.Entry> entries = new ArrayList<>();
        for (RunDirectory.Entry entry : state.components()) {
            entries.add(entry == oldEntry ? successor.entry() : entry);
        }
        run.write(new RunDirectory.State(state.manifest(), state.endpoint(), entries));
        old.destroy();
        out.println("gateway reloaded: pid " + old.pid() + " -> " + successor.pid() + " (" + spec.health() + "); pid " + old.pid()
                + " drains its open connections (tunnels for up to gateway.drain_deadline_ms = "
                + manifest.gateway().drainDeadlineMs() + " ms, then a WebSocket Close 1001) and exits");
        return successor.pid();
    }

    /**
     * Starts a gateway that takes the listening sockets over from {@code old} and waits until it
     * answers {@code /health} as itself; the caller then records it and sends {@code old} SIGTERM.
     */
    ManagedProcess startSuccessor(ComponentSpec spec, ProcessHandle old) {
        ManagedProcess successor = new ManagedProcess(spec, launcher.command(spec), launcher.layout().root(),
                launcher.runDirectory().log(spec.name()));
        successor.start();
        out.println("started a new gateway (pid " + successor.pid() + "); it takes the listening sockets over from pid " + old.pid());
        awaitHealthy(successor, old);
        return successor;
    }

    /** Healthy as itself: until the hand-over is done, the old process may be the one answering. */
    private void awaitHealthy(ManagedProcess successor, ProcessHandle old) {
        long deadline = System.nanoTime() + launcher.options().startTimeout().toNanos();
        while (!HealthProbe.healthyAs(successor.spec().health(), successor.pid())) {
            if (!successor.isAlive()) {
                throw failure(successor, "exited during startup", old);
            }
            if (System.nanoTime() > deadline) {
                successor.stop(Duration.ofSeconds(20));
                throw failure(successor, "did not report healthy at " + successor.spec().health() + " within "
                        + launcher.options().startTimeout().toSeconds() + " s and was stopped", old);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LaunchException("interrupted");
            }
        }
    }

    private static LaunchException failure(ManagedProcess successor, String what, ProcessHandle old) {
        StringBuilder message = new StringBuilder("the new gateway (pid " + successor.pid() + ") " + what + "; last lines of "
                + successor.log() + ":\n");
        for (String line : LogTail.lastLines(successor.log(), LOG_LINES_ON_FAILURE)) {
            message.append("    ").append(line).append('\n');
        }
        message.append(old.isAlive() ? "the old gateway (pid " + old.pid() + ") goes on serving." : "the old gateway is gone too.");
        return new LaunchException(message.toString());
    }
}
