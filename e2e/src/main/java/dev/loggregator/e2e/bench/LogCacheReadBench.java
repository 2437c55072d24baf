package dev.loggregator.e2e.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loggregator.e2e.deployment.LoopbackDeployment;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Log Cache reads through Traffic Controller 0's {@code /api/v1/read} with an admin token: one client
 * reading 1,000 envelopes at a time from a source holding 100,000 while the Doppler ingests 50,000
 * envelopes/s (latency of each request, body received), then 100 clients at once sending the cf CLI's
 * {@code logs --recent} request (reads/s). Each kind of answer is parsed and checked once per client;
 * any non-200 answer is counted.
 */
final class LogCacheReadBench {
    /** What {@code cf logs --recent} asks for (cf CLI v7+, modern-apis.md §1). */
    static final String RECENT_QUERY = "descending=true&envelope_types=LOG&limit=1000&start_time=-6795364578871345152";
    private static final String OLDEST_QUERY = "limit=1000";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LoopbackDeployment deployment;
    private final URI tc;
    private final String authorization;

    LogCacheReadBench(LoopbackDeployment deployment) {
        this.deployment = deployment;
        this.tc = deployment.trafficControllerHttp(0);
        this.authorization = deployment.operator();
    }

    /**
     * Sequential reads of {@code source} (holding 100,000): first with nothing else going on, then while
     * 50,000/s are ingested over {@code ingestApps} (which include the source).
     */
    ResultTable latency(String source, List<String> ingestApps, LoadGenerator.Shape shape, double seconds) {
        ResultTable table = new ResultTable("8d-log-cache-read-latency",
                "one client reading 1,000 envelopes per request from a source holding 100,000 (its cap): idle, then while "
                        + "50,000 envelopes/s are ingested over " + ingestApps.size() + " sources including that one");
        HttpClient http = BenchContext.httpClient(null);
        reads(http, source, OLDEST_QUERY, 2, null); // warm-up: JIT, connections
        latencyRow(table, http, source, "idle", OLDEST_QUERY, seconds);
        try (LoadGenerator generator = new LoadGenerator(List.of(deployment.ingress(0)), ingestApps, shape).distinctTimestamps()) {
            long t0 = System.nanoTime();
            CompletableFuture<Long> ingesting = CompletableFuture.supplyAsync(() -> generator.run(50_000, 2 * seconds + 2, 100));
            reads(http, source, OLDEST_QUERY, 1, null);
            double[] p = latencyRow(table, http, source, "ingesting 50,000/s", OLDEST_QUERY, seconds);
            latencyRow(table, http, source, "ingesting 50,000/s", RECENT_QUERY, seconds);
            long sent = ingesting.join();
            table.summary.put("read p99 ms while ingesting", p[1] / 1000);
            table.notes.add(String.format("read of 1,000 while ingesting: p99 %.2f ms (target <= 5 ms: %s)",
                    p[1] / 1000, p[1] <= 5000 ? "met" : "NOT met"));
            table.notes.add(String.format("ingested meanwhile: %,.0f envelopes/s", sent / ((System.nanoTime() - t0) / 1e9)));
        }
        return table;
    }

    private double[] latencyRow(ResultTable table, HttpClient http, String source, String state, String query, double seconds) {
        Map<String, Object> row = table.row();
        row.put("while", state);
        row.put("request", "/api/v1/read/<source>?" + query);
        double dopplerCpu = ProcessCpu.seconds(BenchContext.dopplers(deployment));
        double tcCpu = ProcessCpu.seconds(BenchContext.trafficControllers(deployment));
        long[] micros = reads(http, source, query, seconds, row);
        double[] p = percentiles(micros);
        row.put("reads", (long) micros.length);
        // With ingestion on, the Doppler's figure includes what ingesting cost meanwhile.
        row.put("Doppler CPU ms/read", (ProcessCpu.seconds(BenchContext.dopplers(deployment)) - dopplerCpu) * 1000 / micros.length);
        row.put("TC CPU ms/read", (ProcessCpu.seconds(BenchContext.trafficControllers(deployment)) - tcCpu) * 1000 / micros.length);
        row.put("p50 ms", p[0] / 1000);
        row.put("p99 ms", p[1] / 1000);
        row.put("p99.9 ms", p[2] / 1000);
        row.put("max ms", micros.length == 0 ? Double.NaN : micros[micros.length - 1] / 1000.0);
        return p;
    }

    /** {@code clients} threads each sending the {@code --recent} request in a loop for {@code seconds}. */
    ResultTable concurrentRecent(List<String> sources, int clients, double seconds) throws InterruptedException {
        ResultTable table = new ResultTable("8e-log-cache-concurrent-recent",
                clients + " clients each sending cf CLI's --recent request (" + RECENT_QUERY + ") in a loop, over "
                        + sources.size() + " sources holding 100,000 each");
        List<HttpClient> https = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            https.add(BenchContext.httpClient(null));
        }
        ConcurrentLinkedQueue<long[]> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong bytes = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        List<Map<String, Object>> checks = new ArrayList<>();
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        for (int i = 0; i < clients; i++) {
            HttpClient http = https.get(i % https.size());
            String source = sources.get(i % sources.size());
            Map<String, Object> check = new java.util.concurrent.ConcurrentHashMap<>();
            checks.add(check);
            Thread thread = new Thread(() -> latencies.add(readUntil(http, source, RECENT_QUERY, deadline, bytes, check)),
                    "recent-reader-" + i);
            threads.add(thread);
        }
        long t0 = System.nanoTime();
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        double[] p = percentiles(all);
        long errors = checks.stream().mapToLong(c -> (Long) c.getOrDefault("errors", 0L)).sum();
        Map<String, Object> row = table.row();
        row.put("clients", (long) clients);
        row.put("reads", (long) all.length);
        row.put("reads/s", all.length / elapsed);
        row.put("envelopes/s", all.length * 1000 / elapsed);
        row.put("MB/s", bytes.get() / elapsed / 1e6);
        row.put("p50 ms", p[0] / 1000);
        row.put("p99 ms", p[1] / 1000);
        row.put("failed reads", errors);
        table.summary.put("reads/s", all.length / elapsed);
        checks.stream().map(c -> c.get("problem")).filter(java.util.Objects::nonNull).findFirst()
                .ifPresent(problem -> table.notes.add("a checked answer was wrong: " + problem));
        return table;
    }

    /** Reads in a loop for {@code seconds}; returns each request's time (µs), sorted. */
    private long[] reads(HttpClient http, String source, String query, double seconds, Map<String, Object> row) {
        Map<String, Object> check = new java.util.HashMap<>();
        long[] micros = readUntil(http, source, query, System.nanoTime() + (long) (seconds * 1e9), new AtomicLong(), check);
        if (row != null) {
            row.put("failed reads", check.getOrDefault("errors", 0L));
            if (check.get("problem") != null) {
                row.put("check", check.get("problem"));
            }
        }
        Arrays.sort(micros);
        return micros;
    }

    private long[] readUntil(HttpClient http, String source, String query, long deadline, AtomicLong bytes,
                             Map<String, Object> check) {
        HttpRequest request = HttpRequest.newBuilder(tc.resolve("/api/v1/read/" + source + "?" + query))
                .header("Authorization", authorization).timeout(Duration.ofSeconds(30)).GET().build();
        long[] micros = new long[1024];
        int n = 0;
        long errors = 0;
        boolean checked = false;
        while (System.nanoTime() < deadline) {
            long start = System.nanoTime();
            HttpResponse<byte[]> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                errors++;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long took = (System.nanoTime() - start) / 1000;
            if (response.statusCode() != 200) {
                errors++;
                check.putIfAbsent("problem", "status " + response.statusCode() + ": " + new String(response.body()));
                continue;
            }
            if (n == micros.length) {
                micros = Arrays.copyOf(micros, n * 2);
            }
            micros[n++] = took;
            bytes.addAndGet(response.body().length);
            if (!checked) {
                checked = true;
                String problem = problem(response.body(), source, query.contains("descending=true"));
                if (problem != null) {
                    check.put("problem", problem);
                }
            }
        }
        check.put("errors", errors);
        return Arrays.copyOf(micros, n);
    }

    /** What is wrong with an answer: 1,000 log envelopes of the source, in the order asked; null when right. */
    private static String problem(byte[] body, String source, boolean descending) {
        try {
            JsonNode batch = JSON.readTree(body).path("envelopes").path("batch");
            if (batch.size() != 1000) {
                return batch.size() + " envelopes instead of 1,000";
            }
            long previous = descending ? Long.MAX_VALUE : Long.MIN_VALUE;
            for (JsonNode envelope : batch) {
                long timestamp = Long.parseLong(envelope.path("timestamp").asText());
                if (!envelope.path("source_id").asText().equals(source) || !envelope.has("log")
                        || (descending ? timestamp > previous : timestamp < previous)) {
                    return "an envelope of another source, not a log, or out of order: " + envelope;
                }
                previous = timestamp;
            }
            return null;
        } catch (IOException | NumberFormatException e) {
            return "not the JSON Log Cache answers: " + e.getMessage();
        }
    }

    /** p50, p99, p99.9 of sorted values. */
    private static double[] percentiles(long[] sorted) {
        if (sorted.length == 0) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
        return new double[] {at(sorted, 0.50), at(sorted, 0.99), at(sorted, 0.999)};
    }

    private static double at(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(q * sorted.length) - 1))];
    }
}
