package dev.loggregator.e2e.launcher;

import dev.loggregator.e2e.credentials.CliSetup;
import dev.loggregator.e2e.credentials.DevCredentials;
import dev.loggregator.e2e.credentials.DevTls;
import dev.loggregator.e2e.demo.DemoApps;
import dev.loggregator.manifest.DopplerSection;
import dev.loggregator.manifest.Manifest;
import dev.loggregator.manifest.ManifestException;
import dev.loggregator.manifest.ManifestLoader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/loggregator}: start, inspect and stop the system a deployment manifest describes. */
@Command(name = "loggregator", mixinStandardHelpOptions = true,
        description = "Runs a Loggregator deployment on this machine: every component as its own JVM.",
        subcommands = {LoggregatorCommand.Up.class, LoggregatorCommand.Down.class, LoggregatorCommand.Status.class})
public final class LoggregatorCommand implements Callable<Integer> {
    static final String DEFAULT_JAVA_OPTS = "-Xms64m -Xmx1g -XX:+UseG1GC";

    @Option(names = "--run-dir", description = "where logs, pids and state go (default: ${DEFAULT-VALUE})", defaultValue = ".run")
    Path runDir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return 2;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoggregatorCommand()).execute(args));
    }

    Launcher launcher(boolean build, PrintStream out) {
        ProjectLayout layout = ProjectLayout.find(Path.of(""));
        String javaOpts = System.getenv().getOrDefault("LOGGREGATOR_JAVA_OPTS", DEFAULT_JAVA_OPTS);
        List<String> jvmArgs = Arrays.stream(javaOpts.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        return new Launcher(layout, new RunDirectory(layout.root().resolve(runDir)),
                new Launcher.Options(jvmArgs, build, true, Duration.ofSeconds(90), out));
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Build what is missing, start every component of the manifest and wait until each is healthy.")
    static final class Up implements Callable<Integer> {
        @CommandLine.ParentCommand
        LoggregatorCommand parent;

        @Option(names = "--manifest", description = "deployment manifest (default: ${DEFAULT-VALUE})", defaultValue = "deploy/dev.yml")
        Path manifestFile;

        @Option(names = "--demo", description = "also start a demo emitter writing logs and metrics for a few apps")
        boolean demo;

        @Option(names = "--only", split = ",", paramLabel = "NAME",
                description = "start only these components (e.g. doppler-0,traffic-controller-1); default: every component whose host is this machine")
        List<String> only = List.of();

        @Option(names = "--no-build", description = "do not build missing or outdated jars")
        boolean noBuild;

        @Override
        public Integer call() {
            PrintStream out = System.out;
            Launcher launcher = parent.launcher(!noBuild, out);
            Path root = launcher.layout().root();
            Path manifestPath = root.resolve(manifestFile);
            Manifest manifest;
            try {
                manifest = ManifestLoader.load(manifestPath);
            } catch (ManifestException e) {
                System.err.println(e.getMessage());
                return 2;
            }
            Set<String> names = new LinkedHashSet<>(only);
            DeploymentPlan plan = DeploymentPlan.of(manifest, manifestPath, names, demo);
            Set<ComponentKind> unavailable = launcher.unavailable(plan);
            for (ComponentKind kind : unavailable) {
                out.println(kind.module() + ": not available yet (no " + kind.module() + "/ module in this checkout); not started");
            }
            if (plan.components().stream().allMatch(c -> unavailable.contains(c.kind()) || c.kind() == ComponentKind.DEMO_EMITTER)) {
                if (!noBuild) {
                    launcher.buildWhatIsMissing(plan);
                }
                out.println("No component of " + root.relativize(manifestPath) + " is available in this checkout yet: nothing started.");
                return 0;
            }
            DevCredentials.Result credentials = DevCredentials.prepare(manifest, root);
            out.println("credentials: " + credentials.summary());
            DevTls.Result tls = DevTls.prepare(manifest, root);
            if (!tls.summary().isEmpty()) {
                out.println(tls.summary());
            }
            try {
                launcher.up(plan);
            } catch (LaunchException e) {
                System.err.println(e.getMessage());
                return 1;
            }
            boolean cliReady = new CliSetup(launcher.layout(), out).configure(plan.loggingEndpoint(), credentials.token(), tls.trust(),
                    demo ? DemoApps.all() : Map.of());
            printWelcome(out, plan, root, launcher.runDirectory(), credentials, tls, cliReady);
            return 0;
        }

        private static void printWelcome(PrintStream out, DeploymentPlan plan, Path root, RunDirectory run,
                                         DevCredentials.Result credentials, DevTls.Result tls, boolean cliReady) {
            out.println();
            out.println("Loggregator is up (" + root.relativize(plan.manifestFile()) + ").");
            out.println("  logging endpoint   " + plan.loggingEndpoint());
            List<DopplerSection.Instance> dopplers = plan.manifest().doppler().instances();
            for (int i = 0; i < dopplers.size(); i++) {
                DopplerSection.Instance d = dopplers.get(i);
                if (d.grpcPort() != 0) {
                    out.println("  v2 gRPC ingress    " + DeploymentPlan.dialable(d.host()) + ":" + d.grpcPort() + " (doppler-" + i + ")");
                }
            }
            credentials.tokenFile().ifPresent(f -> out.println("  operator token     " + root.relativize(f)));
            out.println("  logs and pids      " + root.relativize(run.path()) + "/");
            out.println();
            if (!cliReady) {
                out.println("Once the logs CLI is built, point it here:");
                out.println("  bin/logs target " + plan.loggingEndpoint()
                        + tls.trust().map(cert -> " --ca " + root.relativize(cert)).orElse(""));
                credentials.tokenFile().ifPresent(f -> out.println("  bin/logs token \"$(cat " + root.relativize(f) + ")\""));
            }
            out.println("Tail an app:  bin/logs tail demo" + (plan.includes(ComponentKind.DEMO_EMITTER) ? "" : "   (start with --demo for demo apps)"));
            out.println("Status, stop: bin/loggregator status | bin/loggregator down");
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "Stop what `up` started (SIGTERM, then SIGKILL after 20 s).")
    static final class Down implements Callable<Integer> {
        @CommandLine.ParentCommand
        LoggregatorCommand parent;

        @Override
        public Integer call() {
            parent.launcher(false, System.out).down();
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show each component's process and health; exit 1 if any is down or unhealthy.")
    static final class Status implements Callable<Integer> {
        @CommandLine.ParentCommand
        LoggregatorCommand parent;

        @Override
        public Integer call() {
            return parent.launcher(false, System.out).status() == 0 ? 0 : 1;
        }
    }
}
