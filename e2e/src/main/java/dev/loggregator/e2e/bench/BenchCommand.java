package dev.loggregator.e2e.bench;

import dev.loggregator.e2e.client.LogEndpointClient;
import dev.loggregator.e2e.deployment.LoopbackDeployment;
import dev.loggregator.e2e.tls.DevCertificate;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/bench}: the system's benchmark. Starts a loopback deployment (one Doppler, two Traffic
 * Controllers with their gRPC ports, the gateway with TLS; access control on) from the built jars,
 * runs the selected scenarios on it with the load generator and consumers in this JVM, then the Log
 * Cache scenario on deployments of its own; prints a table per scenario and writes all results as JSON.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures throughput, loss, latency, fan-out and memory of the whole system on this machine.")
public final class BenchCommand implements Callable<Integer> {
    static final List<String> SCENARIOS = List.of("ingress", "fanout", "gateway", "memory", "drains", "promql", "noisy",
            "v2read", "grpc", "logcache");
    private static final Set<String> MAIN_DEPLOYMENT = Set.of("ingress", "fanout", "gateway", "memory", "drains", "promql",
            "noisy", "v2read", "grpc");

    @Option(names = "--scenarios", split = ",", defaultValue = "ingress,fanout,gateway,memory,drains,promql,noisy,v2read,grpc,logcache",
            description = "which scenarios to run, of ${DEFAULT-VALUE} (the default: all); v2read and grpc run ingress"
                    + " too, as their baseline")
    List<String> scenarios;

    @Option(names = "--step-seconds", defaultValue = "6", description = "how long each offered rate is held (default ${DEFAULT-VALUE})")
    double stepSeconds;

    @Option(names = "--query-seconds", defaultValue = "20", description = "how long the promql scenario asks each kind of query (default ${DEFAULT-VALUE})")
    double querySeconds;

    @Option(names = "--noisy-shares", split = ",",
            description = "the noisy scenario's fair shares, envelopes/s per app (each step offers 109 times as much);"
                    + " default: a short ramp finds the firehose reader's loss-free capacity C, and the steps offer"
                    + " 0.5, 0.9, 1.0 and 1.2 C (after the noisy app's log-rate limit), see README")
    List<Integer> noisyShares;

    @Option(names = "--noisy-unlimited", description = "the noisy scenario without the noisy app's log-rate limit: its tenfold"
            + " share reaches the Doppler's and the Traffic Controller's fair shares")
    boolean noisyUnlimited;

    @Option(names = "--idle-streams", defaultValue = "10000", description = "idle app streams for the memory scenario (default ${DEFAULT-VALUE})")
    int idleStreams;

    @Option(names = "--out", defaultValue = ".run/bench", description = "directory for the JSON results (default ${DEFAULT-VALUE})")
    Path outDir;

    @Option(names = "--java-opts", defaultValue = "-Xms1g -Xmx1g -XX:+UseParallelGC -XX:+AlwaysPreTouch", description = "JVM options of the components (default ${DEFAULT-VALUE})")
    String javaOpts;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        for (String scenario : scenarios) {
            if (!SCENARIOS.contains(scenario)) {
                throw new CommandLine.ParameterException(new CommandLine(this), "unknown scenario '" + scenario
                        + "'; known: " + String.join(",", SCENARIOS));
            }
        }
        BenchContext context = new BenchContext(stepSeconds, List.of(javaOpts.trim().split("\\s+")));
        Path runDir = outDir.resolve("deployment-" + System.currentTimeMillis());
        List<ResultTable> results = new ArrayList<>();
        Instant started = Instant.now();
        Map<String, Object> machine = Machine.describe();
        System.out.println("machine: " + machine);
        if (scenarios.stream().anyMatch(MAIN_DEPLOYMENT::contains)) {
            results.addAll(onMainDeployment(context, runDir.resolve("main")));
        }
        if (scenarios.contains("logcache")) {
            results.addAll(LogCacheScenario.run(context, runDir));
        }
        for (ResultTable table : results) {
            System.out.print(table.render());
        }
        Duration took = Duration.between(started, Instant.now());
        Path json = ResultsFile.write(outDir, results, started, machine, javaOpts);
        System.out.println("\nmachine: " + machine + ", load average at end " + Machine.loadAverage());
        System.out.printf("took %d min %02d s; results written to %s%n", took.toMinutes(), took.toSecondsPart(), json);
        return 0;
    }

    private List<ResultTable> onMainDeployment(BenchContext context, Path dir) throws Exception {
        List<ResultTable> results = new ArrayList<>();
        LoopbackDeployment.Builder builder = LoopbackDeployment.in(dir).buildIfNeeded()
                .jvmArgs(context.componentJvmArgs)
                .dopplers(1).trafficControllers(2).trafficControllerGrpc().gatewayWithTls()
                .doppler(noisyUnlimited ? "" : noisyShares == null ? NoisyNeighbourScenario.rampManifest()
                        : NoisyNeighbourScenario.dopplerManifest(noisyShares));
        // The drains scenario binds drains through a binding provider in this JVM, polled every second.
        BenchBindingProvider bindings = scenarios.contains("drains") ? new BenchBindingProvider() : null;
        if (bindings != null) {
            builder.doppler("syslog_drains: {allow_loopback: true, binding_provider: {url: '" + bindings.url()
                    + "', poll_interval_seconds: 1}}");
        }
        try (bindings; LoopbackDeployment deployment = builder.start()) {
            SSLContext tls = DevCertificate.trusting(deployment.certificate());
            Thread.sleep(3000);
            ResultTable idle = MemoryScenario.snapshot(deployment, "idle (after start)");
            LogEndpointClient direct = new LogEndpointClient(BenchContext.httpClient(tls), deployment.trafficController(0));
            // First, while the Log Cache store is nearly empty: its budget expires the oldest timestamps first.
            ResultTable promql = scenarios.contains("promql") ? new PromQLScenario(deployment, querySeconds).run() : null;
            if (scenarios.contains("ingress") || scenarios.contains("v2read") || scenarios.contains("grpc")) {
                FirehoseScenario.Result ingress = FirehoseScenario.run(context, deployment, "1-ingress-to-firehose",
                        "v2 gRPC ingress (200-byte logs) -> Doppler -> Traffic Controller -> one firehose client (ws)",
                        direct.http(), direct.endpoint(), 1, true);
                context.v1FirehoseCeiling(ingress.ceiling());
                results.add(ingress.table());
            }
            if (scenarios.contains("fanout")) {
                results.add(FanOutScenario.run(context, deployment, tls));
            }
            if (scenarios.contains("gateway")) {
                results.add(FirehoseScenario.run(context, deployment, "3-through-gateway",
                        "as 1, with the firehose client reading through the gateway over wss:// (TLS)",
                        BenchContext.httpClient(tls), deployment.endpoint(), 1, true).table());
            }
            if (scenarios.contains("v2read")) {
                results.add(V2ReadScenario.sse(context, deployment));
            }
            if (scenarios.contains("grpc")) {
                results.add(V2ReadScenario.grpc(context, deployment));
            }
            if (scenarios.contains("noisy")) {
                results.add(NoisyNeighbourScenario.run(deployment, direct, context.stepSeconds, noisyShares, !noisyUnlimited));
            }
            if (scenarios.contains("memory")) {
                results.add(MemoryScenario.run(context, deployment, idle, tls, idleStreams));
            }
            if (bindings != null) {
                results.add(new DrainScenario(deployment, bindings, direct, context.stepSeconds).run());
            }
            if (promql != null) {
                results.add(promql);
            }
        }
        return results;
    }
}
