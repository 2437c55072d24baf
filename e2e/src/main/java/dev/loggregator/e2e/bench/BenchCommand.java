package dev.loggregator.e2e.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.loggregator.e2e.client.EnvelopeStream;
import dev.loggregator.e2e.client.LogEndpointClient;
import dev.loggregator.e2e.deployment.LoopbackDeployment;
import dev.loggregator.e2e.launcher.ManagedProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import dev.loggregator.e2e.tls.DevCertificate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/bench}: the system's benchmark. Starts a loopback deployment (one Doppler, two Traffic
 * Controllers, the gateway with TLS; access control on) from the built jars, then runs bounded
 * scenarios with the load generator and consumers in this JVM, and prints a table per scenario
 * and writes all results as JSON.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures throughput, loss, latency, fan-out and memory of the whole system on this machine.")
public final class BenchCommand implements Callable<Integer> {
    static final List<Integer> RATES = List.of(10_000, 50_000, 100_000, 200_000, 350_000, 500_000, 750_000, 1_000_000);
    private static final Duration SCENARIO_BUDGET = Duration.ofSeconds(110);

    @Option(names = "--scenarios", split = ",", defaultValue = "ingress,fanout,gateway,memory,drains,promql,noisy",
            description = "which scenarios to run (default: ${DEFAULT-VALUE})")
    List<String> scenarios;

    @Option(names = "--step-seconds", defaultValue = "6", description = "how long each offered rate is held (default ${DEFAULT-VALUE})")
    double stepSeconds;

    @Option(names = "--query-seconds", defaultValue = "20", description = "how long the promql scenario asks each kind of query (default ${DEFAULT-VALUE})")
    double querySeconds;

    @Option(names = "--idle-streams", defaultValue = "10000", description = "idle app streams for the memory scenario (default ${DEFAULT-VALUE})")
    int idleStreams;

    @Option(names = "--out", defaultValue = ".run/bench", description = "directory for the JSON results (default ${DEFAULT-VALUE})")
    Path outDir;

    @Option(names = "--java-opts", defaultValue = "-Xms1g -Xmx1g -XX:+UseParallelGC", description = "JVM options of the components (default ${DEFAULT-VALUE})")
    String javaOpts;

    private final Map<String, Map<String, Long>> peakRss = new LinkedHashMap<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path runDir = outDir.resolve("deployment-" + System.currentTimeMillis());
        List<ResultTable> results = new ArrayList<>();
        Instant started = Instant.now();
        Map<String, Object> machine = Machine.describe();
        System.out.println("machine: " + machine);
        LoopbackDeployment.Builder builder = LoopbackDeployment.in(runDir).buildIfNeeded()
                .jvmArgs(List.of(javaOpts.trim().split("\\s+")))
                .dopplers(1).trafficControllers(2).gatewayWithTls()
                .doppler(NoisyNeighbourScenario.dopplerManifest());
        // The drains scenario binds drains through a binding provider in this JVM, polled every second.
        BenchBindingProvider bindings = scenarios.contains("drains") ? new BenchBindingProvider() : null;
        if (bindings != null) {
            builder.doppler("syslog_drains: {allow_loopback: true, binding_provider: {url: '" + bindings.url()
                    + "', poll_interval_seconds: 1}}");
        }
        try (bindings; LoopbackDeployment deployment = builder.start()) {
            SSLContext tls = DevCertificate.trusting(deployment.certificate());
            Thread.sleep(3000);
            ResultTable idle = memory(deployment, "idle (after start)");
            LogEndpointClient direct = new LogEndpointClient(httpClient(tls), deployment.trafficController(0));
            // First, while the Log Cache store is nearly empty: its budget expires the oldest timestamps first.
            ResultTable promql = scenarios.contains("promql") ? new PromQLScenario(deployment, querySeconds).run() : null;
            if (scenarios.contains("ingress")) {
                results.add(throughput("1-ingress-to-firehose",
                        "v2 gRPC ingress (200-byte logs) -> Doppler -> Traffic Controller -> one firehose client (ws)",
                        deployment, direct));
            }
            if (scenarios.contains("fanout")) {
                results.add(fanOut(deployment, tls));
            }
            if (scenarios.contains("gateway")) {
                results.add(throughput("3-through-gateway",
                        "as 1, with the firehose client reading through the gateway over wss:// (TLS)",
                        deployment, new LogEndpointClient(httpClient(tls), deployment.endpoint())));
            }
            if (scenarios.contains("noisy")) {
                results.add(NoisyNeighbourScenario.run(deployment, direct, stepSeconds));
            }
            if (scenarios.contains("memory")) {
                results.add(memoryScenario(deployment, idle, tls));
            }
            if (bindings != null) {
                results.add(new DrainScenario(deployment, bindings, direct, stepSeconds).run());
            }
            if (promql != null) {
                results.add(promql);
            }
        }
        for (ResultTable table : results) {
            System.out.print(table.render());
        }
        Path json = writeJson(results, started, machine);
        System.out.println("\nmachine: " + machine + ", load average at end " + Machine.loadAverage());
        System.out.println("results written to " + json);
        return 0;
    }

    private static HttpClient httpClient(SSLContext tls) {
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Scenarios 1 and 3: rising offered rates until saturation, then latency at 10,000/s. */
    private ResultTable throughput(String name, String description, LoopbackDeployment deployment, LogEndpointClient client) {
        long deadline = System.nanoTime() + SCENARIO_BUDGET.toNanos();
        ResultTable table = new ResultTable(name, description);
        String prefix = "bench-" + UUID.randomUUID();
        DeliveryCounter counter = new DeliveryCounter(prefix);
        try (EnvelopeStream stream = EnvelopeStream.open(client.http(),
                client.endpoint().resolve("/firehose/" + prefix + "?filter-type=logs"), deployment.operator(), counter);
             LoadGenerator generator = new LoadGenerator(List.of(deployment.ingress(0), deployment.ingress(0)), List.of(prefix))) {
            long warm = generator.run(50_000, 3, 100);
            counter.awaitQuiet(warm, 1000, 10_000);
            List<ManagedProcess> dopplers = processes(deployment, "doppler-");
            List<ManagedProcess> trafficControllers = processes(deployment, "traffic-controller-");
            double bestLossless = 0;
            for (int rate : RATES) {
                if (System.nanoTime() + (long) ((stepSeconds + 6) * 1e9) > deadline - 15_000_000_000L) {
                    table.notes.add("stopped before " + rate + "/s to stay within the scenario's time budget");
                    break;
                }
                long before = counter.delivered();
                long notices = counter.dropNotices();
                long dopplerDrops = ComponentMetrics.sum(dopplers, "doppler_dropped_envelopes_total");
                long tcDrops = ComponentMetrics.sum(trafficControllers, "doppler_proxy_dropped_total");
                long t0 = System.nanoTime();
                long sent = generator.run(rate, stepSeconds, 100);
                double sendSeconds = (System.nanoTime() - t0) / 1e9;
                long got = counter.awaitQuiet(before + sent, 1500, 15_000) - before;
                double deliverSeconds = (System.nanoTime() - t0) / 1e9;
                sampleRss(deployment);
                Map<String, Object> row = table.row();
                row.put("target/s", (long) rate);
                row.put("offered/s", sent / sendSeconds);
                row.put("delivered/s", got / Math.max(sendSeconds, Math.min(deliverSeconds, sendSeconds + 1.5)));
                row.put("loss %", 100.0 * (sent - got) / sent);
                row.put("drop notices", counter.dropNotices() - notices);
                row.put("dropped in Doppler", ComponentMetrics.sum(dopplers, "doppler_dropped_envelopes_total") - dopplerDrops);
                row.put("dropped in TC", ComponentMetrics.sum(trafficControllers, "doppler_proxy_dropped_total") - tcDrops);
                row.put("stream open", stream.isOpen() ? "yes" : "closed " + stream.closed().getNow(null));
                if (got == sent && sent / sendSeconds > bestLossless) {
                    bestLossless = sent / sendSeconds;
                }
                if (!stream.isOpen()) {
                    table.notes.add("the firehose stream was closed at " + rate + "/s target");
                    break;
                }
                if (sent / sendSeconds < rate * 0.6) {
                    table.notes.add("the generator could not offer more than " + Math.round(sent / sendSeconds) + "/s");
                    break;
                }
            }
            table.notes.add("highest offered rate delivered with zero loss: " + Math.round(bestLossless) + "/s");
            if (stream.isOpen()) {
                long warmLatency = generator.run(10_000, 2, 1);
                counter.awaitQuiet(counter.delivered() + warmLatency, 1000, 10_000);
                counter.recordLatency(500_000);
                long before = counter.delivered();
                long sent = generator.run(10_000, 10, 1);
                counter.awaitQuiet(before + sent, 1000, 10_000);
                double[] p = counter.latencyPercentilesMicros();
                Map<String, Object> row = table.row();
                row.put("target/s", 10_000L);
                row.put("latency p50 ms", p[0] / 1000);
                row.put("latency p99 ms", p[1] / 1000);
                row.put("latency p99.9 ms", p[2] / 1000);
            }
        }
        return table;
    }

    /** Scenario 2: 1,000 app streams over 100 apps (10 per app) plus two firehose subscriptions. */
    private ResultTable fanOut(LoopbackDeployment deployment, SSLContext tls) throws Exception {
        ResultTable table = new ResultTable("2-fan-out",
                "1,000 app stream clients over 100 apps (10 each) + 2 firehose subscriptions, on one Traffic Controller");
        String prefix = "fanout-" + UUID.randomUUID();
        List<String> apps = LoadGenerator.apps(prefix, 100);
        DeliveryCounter streams = new DeliveryCounter(prefix);
        DeliveryCounter firehoseA = new DeliveryCounter(prefix);
        DeliveryCounter firehoseB = new DeliveryCounter(prefix);
        List<HttpClient> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(httpClient(tls));
        }
        URI tc = deployment.trafficController(0);
        List<EnvelopeStream> open = new ArrayList<>();
        ExecutorService opener = Executors.newFixedThreadPool(16);
        LoadGenerator generator = null;
        try {
            List<Future<EnvelopeStream>> pending = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                String app = apps.get(i % apps.size());
                HttpClient http = clients.get(i % clients.size());
                pending.add(opener.submit(() -> EnvelopeStream.open(http, tc.resolve("/apps/" + app + "/stream"),
                        deployment.operator(), streams)));
            }
            // Each firehose consumer has its own client (selector thread), as a nozzle would.
            open.add(EnvelopeStream.open(httpClient(tls), tc.resolve("/firehose/" + prefix + "-a?filter-type=logs"), deployment.operator(), firehoseA));
            open.add(EnvelopeStream.open(httpClient(tls), tc.resolve("/firehose/" + prefix + "-b?filter-type=logs"), deployment.operator(), firehoseB));
            for (Future<EnvelopeStream> f : pending) {
                open.add(f.get());
            }
            generator = new LoadGenerator(List.of(deployment.ingress(0), deployment.ingress(0)), apps);
            long warm = generator.run(20_000, 2, 100);
            streams.awaitQuiet(warm * 10, 2000, 20_000);
            firehoseA.awaitQuiet(warm, 1000, 10_000);
            List<ManagedProcess> dopplers = processes(deployment, "doppler-");
            List<ManagedProcess> trafficControllers = processes(deployment, "traffic-controller-");
            for (int rate : List.of(5_000, 20_000, 50_000)) {
                long dopplerDrops = ComponentMetrics.sum(dopplers, "doppler_dropped_envelopes_total");
                long tcDrops = ComponentMetrics.sum(trafficControllers, "doppler_proxy_dropped_total");
                long s0 = streams.delivered();
                long a0 = firehoseA.delivered();
                long b0 = firehoseB.delivered();
                long t0 = System.nanoTime();
                long sent = generator.run(rate, stepSeconds + 2, 100);
                double sendSeconds = (System.nanoTime() - t0) / 1e9;
                long s = streams.awaitQuiet(s0 + sent * 10, 2000, 20_000) - s0;
                long a = firehoseA.awaitQuiet(a0 + sent, 1000, 10_000) - a0;
                long b = firehoseB.awaitQuiet(b0 + sent, 1000, 10_000) - b0;
                double seconds = Math.max(sendSeconds, (System.nanoTime() - t0) / 1e9 - 2.0);
                long expected = sent * 12;
                Map<String, Object> row = table.row();
                row.put("offered/s", sent / sendSeconds);
                row.put("stream deliveries/s", s / seconds);
                row.put("firehose deliveries/s", (a + b) / seconds);
                row.put("aggregate deliveries/s", (s + a + b) / seconds);
                row.put("loss %", 100.0 * (expected - s - a - b) / expected);
                row.put("dropped in Doppler", ComponentMetrics.sum(dopplers, "doppler_dropped_envelopes_total") - dopplerDrops);
                row.put("dropped in TC", ComponentMetrics.sum(trafficControllers, "doppler_proxy_dropped_total") - tcDrops);
                long closed = open.stream().filter(st -> !st.isOpen()).count();
                row.put("clients closed", closed);
                sampleRss(deployment);
                if (sent / sendSeconds < rate * 0.6) {
                    table.notes.add("the generator could not offer more than " + Math.round(sent / sendSeconds) + "/s");
                    break;
                }
            }
        } finally {
            open.forEach(EnvelopeStream::abort);
            opener.shutdownNow();
            if (generator != null) {
                generator.close();
            }
        }
        return table;
    }

    /** Scenario 4: RSS of every component at idle, at the peak of the load scenarios, and with many idle streams. */
    private ResultTable memoryScenario(LoopbackDeployment deployment, ResultTable idle, SSLContext tls) throws Exception {
        ResultTable table = new ResultTable("4-memory", "resident set size (MiB) of each component");
        table.rows.addAll(idle.rows);
        if (!peakRss.isEmpty()) {
            Map<String, Object> row = table.row();
            row.put("state", "peak under load (scenarios 1-3)");
            peakRss.forEach((component, rss) -> row.put(component, rss.get("rss") / 1024.0 / 1024.0));
        }
        List<HttpClient> clients = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            clients.add(httpClient(tls));
        }
        List<EnvelopeStream> open = new ArrayList<>();
        ExecutorService opener = Executors.newFixedThreadPool(32);
        try {
            List<Future<EnvelopeStream>> pending = new ArrayList<>();
            String prefix = "idle-" + UUID.randomUUID();
            for (int i = 0; i < idleStreams; i++) {
                URI tc = deployment.trafficController(i % 2);
                String app = LoadGenerator.appId(prefix, i % 1000);
                HttpClient http = clients.get(i % clients.size());
                pending.add(opener.submit(() -> EnvelopeStream.open(http, tc.resolve("/apps/" + app + "/stream"),
                        deployment.operator(), bytes -> { })));
            }
            int failed = 0;
            String firstFailure = null;
            for (Future<EnvelopeStream> f : pending) {
                try {
                    open.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    failed++;
                    firstFailure = firstFailure == null ? String.valueOf(e.getCause()) : firstFailure;
                }
            }
            Thread.sleep(5000);
            System.gc();
            ResultTable withStreams = memory(deployment, open.size() + " idle app streams (half per Traffic Controller)");
            table.rows.addAll(withStreams.rows);
            if (failed > 0) {
                table.notes.add(failed + " of " + idleStreams + " streams could not be opened, first: " + firstFailure);
            }
        } finally {
            open.forEach(EnvelopeStream::abort);
            opener.shutdownNow();
        }
        return table;
    }

    private static List<ManagedProcess> processes(LoopbackDeployment deployment, String namePrefix) {
        return deployment.system().processes().stream().filter(p -> p.name().startsWith(namePrefix)).toList();
    }

    private ResultTable memory(LoopbackDeployment deployment, String state) {
        ResultTable table = new ResultTable("memory", state);
        Map<String, Object> row = table.row();
        row.put("state", state);
        for (ManagedProcess process : deployment.system().processes()) {
            row.put(process.name() + " MiB", Rss.of(process.pid()) / 1024.0 / 1024.0);
        }
        return table;
    }

    private void sampleRss(LoopbackDeployment deployment) {
        for (ManagedProcess process : deployment.system().processes()) {
            long rss = Rss.of(process.pid());
            peakRss.computeIfAbsent(process.name() + " MiB", k -> new LinkedHashMap<>()).merge("rss", rss, Math::max);
        }
    }

    private Path writeJson(List<ResultTable> results, Instant started, Map<String, Object> machine) throws IOException {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("started", started.toString());
        document.put("finished", Instant.now().toString());
        document.put("machine", machine);
        document.put("load_average_at_end", Machine.loadAverage());
        document.put("component_java_opts", javaOpts);
        List<Map<String, Object>> scenarioList = new ArrayList<>();
        for (ResultTable table : results) {
            Map<String, Object> scenario = new LinkedHashMap<>();
            scenario.put("scenario", table.scenario);
            scenario.put("description", table.description);
            scenario.put("rows", table.rows);
            scenario.put("notes", table.notes);
            scenarioList.add(scenario);
        }
        document.put("scenarios", scenarioList);
        Files.createDirectories(outDir);
        Path file = outDir.resolve("bench-" + started.toString().replace(':', '-') + ".json");
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(file.toFile(), document);
        Files.copy(file, outDir.resolve("latest.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

}
