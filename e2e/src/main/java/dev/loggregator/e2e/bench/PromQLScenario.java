package dev.loggregator.e2e.bench;

import dev.loggregator.e2e.deployment.LoopbackDeployment;
import dev.loggregator.e2e.launcher.ManagedProcess;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * Scenario 6 (issue 20): Log Cache PromQL on a Traffic Controller. An app of {@value #INSTANCES} instances
 * gets an hour of history ({@link AppMetrics}; live samples continue it), then, while the load generator
 * ingests {@value #INGEST_RATE} log envelopes/s of other apps into the Doppler, one client asks one query
 * at a time over HTTP for {@code seconds} (after {@value #WARM_SECONDS_PER_QUERY} s of each untimed): first
 * the instant {@code cpu{source_id="<app>"}} Cloud Controller sends, then the {@code query_range} over the hour at 15 s of
 * {@code avg by (instance_id)(rate(requests{source_id="<app>"}[1m]))}. Latency percentiles, queries/s,
 * and CPU per query: the Traffic Controller's and the Doppler's user + system time over the phase less
 * what a phase of ingestion alone cost (the Traffic Controller's per second, the Doppler's per envelope
 * ingested). Every answer is checked (10 series), the first and last of each kind value by value.
 */
final class PromQLScenario {
    static final int INSTANCES = 10;
    static final int INGEST_RATE = 50_000;
    /** Untimed queries of each kind first, under the same ingestion: until the JITs are done compiling both paths. */
    private static final double WARM_SECONDS_PER_QUERY = 20;
    /** An hour and two minutes, so the first step's 1-minute window is full too. */
    private static final int HISTORY_SECONDS = 3720;
    private static final int RANGE_SECONDS = 3600;
    private static final int STEP_SECONDS = 15;
    /** Few background sources, so their envelopes stay within the per-source cap and the store's budget:
     * the budget expires the globally oldest timestamps first, which would be the app's history. */
    private static final int BACKGROUND_APPS = 4;

    private final LoopbackDeployment deployment;
    private final double seconds;
    private final ManagedProcess trafficController;
    private final ManagedProcess doppler;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ResultTable table = new ResultTable("9-promql",
            "Log Cache PromQL over HTTP on one Traffic Controller, one query at a time, app of " + INSTANCES
                    + " instances with 1 h of history, " + INGEST_RATE + " log envelopes/s of other apps ingested meanwhile");

    PromQLScenario(LoopbackDeployment deployment, double seconds) {
        this.deployment = deployment;
        this.seconds = seconds;
        this.trafficController = process("traffic-controller-0");
        this.doppler = process("doppler-0");
        this.authorization = deployment.operator();
    }

    /** One kind of query: its URL, the cheap check of every answer and the full one of the first and last. */
    private record Query(String kind, URI uri, String target, double targetMs, Function<String, String> check) {
    }

    /** What a phase measured: latencies (ns), wrong answers, envelopes ingested, wall time and CPU (ns). */
    private record Phase(long[] latencies, int wrong, String firstWrong, long ingested, double seconds, long tcCpu, long dopplerCpu) {
    }

    ResultTable run() {
        AppMetrics metrics = new AppMetrics(UUID.randomUUID().toString(), INSTANCES, System.currentTimeMillis() / 1000);
        metrics.sendHistory(deployment.ingress(0), HISTORY_SECONDS);
        ScheduledExecutorService live = liveSamples(metrics);
        ExecutorService ingestThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "promql-bench-ingest"));
        Query instant = new Query("instant cpu{source_id}", query("/api/v1/query", "cpu{source_id=\"" + metrics.app() + "\"}", ""),
                "p99 <= 2 ms", 2, body -> PromQLAnswers.checkVector(body, INSTANCES, AppMetrics::cpu));
        Query range = new Query("query_range 1h/15s avg by (instance_id)(rate(requests[1m]))",
                query("/api/v1/query_range", "avg by (instance_id)(rate(requests{source_id=\"" + metrics.app() + "\"}[1m]))",
                        "&start=" + (metrics.origin() - RANGE_SECONDS) + "&end=" + metrics.origin() + "&step=" + STEP_SECONDS),
                "<= 20 ms", 20, body -> PromQLAnswers.checkMatrix(body, INSTANCES, RANGE_SECONDS / STEP_SECONDS + 1,
                        AppMetrics::requestRate));
        try (LoadGenerator generator = new LoadGenerator(List.of(deployment.ingress(0)),
                LoadGenerator.apps(LoadGenerator.newAppPrefix(), BACKGROUND_APPS))) {
            for (Query query : List.of(instant, range)) {
                String wrong = awaitRight(query);
                if (wrong != null) {
                    Map<String, Object> failed = table.row(); // a row, so the table prints (with this note)
                    failed.put("phase", query.kind());
                    failed.put("wrong answers", 1L);
                    table.notes.add(query.kind() + ": not right within 60 s of loading the history: " + wrong);
                    return table;
                }
            }
            // Steady state before anything is timed: with 5 s per kind, the three JVMs' C2 compilers still used up to
            // a core for the first 10 s of the measured phase, and 85-90 % of the instant queries over 2 ms fell there.
            phase(generator, ingestThread, instant, WARM_SECONDS_PER_QUERY);
            phase(generator, ingestThread, range, WARM_SECONDS_PER_QUERY);
            Phase baseline = phase(generator, ingestThread, null, Math.max(5, seconds / 2));
            Map<String, Object> row = table.row();
            row.put("phase", "ingestion alone (baseline)");
            row.put("ingested/s", baseline.ingested() / baseline.seconds());
            row.put("TC CPU %", 100.0 * baseline.tcCpu() / 1e9 / baseline.seconds());
            row.put("Doppler CPU %", 100.0 * baseline.dopplerCpu() / 1e9 / baseline.seconds());
            for (Query query : List.of(instant, range)) {
                measure(query, phase(generator, ingestThread, query, seconds), baseline);
            }
        } finally {
            live.shutdownNow();
            ingestThread.shutdownNow();
        }
        table.notes.add("CPU per query = the process's user+system time during the phase less the baseline's "
                + "(Traffic Controller: per second; Doppler: per envelope ingested), divided by the queries answered");
        table.notes.add("app " + metrics.app() + ": " + INSTANCES + " instances, requests counter every "
                + AppMetrics.INTERVAL_SECONDS + " s, container metrics every " + AppMetrics.GAUGE_SECONDS
                + " s; Doppler store budget expiries during the scenario would cut the history: checked by the last answers");
        return table;
    }

    private void measure(Query query, Phase phase, Phase baseline) {
        long[] latencies = phase.latencies();
        int n = latencies.length;
        Arrays.sort(latencies);
        double tcCpu = phase.tcCpu() - baseline.tcCpu() * phase.seconds() / baseline.seconds();
        double dopplerCpu = phase.dopplerCpu() - baseline.dopplerCpu() * (double) phase.ingested() / Math.max(1, baseline.ingested());
        double p99 = n == 0 ? Double.NaN : latencies[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)] / 1e6;
        String wrongAfter = wrongNow(query);
        Map<String, Object> row = table.row();
        row.put("phase", query.kind());
        row.put("queries", (long) n);
        row.put("queries/s", n / phase.seconds());
        row.put("p50 ms", n == 0 ? Double.NaN : latencies[(n - 1) / 2] / 1e6);
        row.put("p99 ms", p99);
        row.put("max ms", n == 0 ? Double.NaN : latencies[n - 1] / 1e6);
        row.put("target", query.target());
        row.put("ingested/s", phase.ingested() / phase.seconds());
        row.put("TC CPU ms/query", n == 0 ? Double.NaN : tcCpu / 1e6 / n);
        row.put("Doppler CPU ms/query", n == 0 ? Double.NaN : dopplerCpu / 1e6 / n);
        row.put("wrong answers", (long) phase.wrong());
        table.notes.add(query.kind() + ": p99 " + ResultTable.format(p99) + " ms, target " + query.target() + ": "
                + (p99 <= query.targetMs() ? "met" : "NOT met"));
        if (phase.wrong() > 0) {
            table.notes.add(query.kind() + ": " + phase.wrong() + " answers without " + INSTANCES + " series, first: " + phase.firstWrong());
        }
        if (wrongAfter != null) {
            table.notes.add(query.kind() + ": the answer after the phase was wrong: " + wrongAfter);
        }
    }

    /**
     * Ingests {@link #INGEST_RATE}/s for {@code phaseSeconds} while asking {@code query} (null: none) one
     * at a time; CPU is read before the ingestion starts and after it ends.
     */
    private Phase phase(LoadGenerator generator, ExecutorService ingestThread, Query query, double phaseSeconds) {
        long tc0 = ProcessCpu.nanos(trafficController.pid());
        long doppler0 = ProcessCpu.nanos(doppler.pid());
        long start = System.nanoTime();
        CompletableFuture<Long> ingest = CompletableFuture.supplyAsync(() -> generator.run(INGEST_RATE, phaseSeconds, 100), ingestThread);
        long[] latencies = new long[1024];
        int n = 0;
        int wrong = 0;
        String firstWrong = null;
        while (!ingest.isDone()) {
            if (query == null) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                continue;
            }
            long t = System.nanoTime();
            String body;
            try {
                body = get(query.uri());
            } catch (IllegalStateException e) {
                body = e.getMessage();
            }
            long latency = System.nanoTime() - t;
            if (n == latencies.length) {
                latencies = Arrays.copyOf(latencies, n * 2);
            }
            latencies[n++] = latency;
            if (!PromQLAnswers.looksRight(body, INSTANCES)) {
                wrong++;
                firstWrong = firstWrong == null ? body.substring(0, Math.min(300, body.length())) : firstWrong;
            }
        }
        long ingested = ingest.join();
        double elapsed = (System.nanoTime() - start) / 1e9;
        return new Phase(Arrays.copyOf(latencies, n), wrong, firstWrong, ingested, elapsed,
                ProcessCpu.nanos(trafficController.pid()) - tc0, ProcessCpu.nanos(doppler.pid()) - doppler0);
    }

    /** Waits (up to 60 s) until the query's answer passes its full check (the history is stored); null if it did. */
    private String awaitRight(Query query) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String wrong;
        while ((wrong = wrongNow(query)) != null && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        return wrong;
    }

    /** What is wrong with the query's answer now (its full check), null if nothing. */
    private String wrongNow(Query query) {
        try {
            return query.check().apply(get(query.uri()));
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    /** Continues the app's samples on their grid as real time passes it, so instant queries keep finding them. */
    private ScheduledExecutorService liveSamples(AppMetrics metrics) {
        ScheduledExecutorService live = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "promql-bench-live");
            thread.setDaemon(true);
            return thread;
        });
        var sender = deployment.ingress(0);
        AtomicLong next = new AtomicLong(metrics.origin() + AppMetrics.INTERVAL_SECONDS);
        long delay = next.get() * 1000 - System.currentTimeMillis();
        live.scheduleAtFixedRate(() -> sender.send(metrics.at(next.getAndAdd(AppMetrics.INTERVAL_SECONDS))),
                Math.max(0, delay), AppMetrics.INTERVAL_SECONDS * 1000L, TimeUnit.MILLISECONDS);
        return live;
    }

    private URI query(String path, String promql, String more) {
        return URI.create("http://" + deployment.trafficControllerAddress(0) + path + "?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8) + more);
    }

    private String get(URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(uri.getPath() + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(uri.getPath() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private ManagedProcess process(String name) {
        return deployment.system().processes().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no process " + name));
    }
}
