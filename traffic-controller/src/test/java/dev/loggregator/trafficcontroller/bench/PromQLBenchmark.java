package dev.loggregator.trafficcontroller.bench;

import static org.awaitility.Awaitility.await;

import dev.loggregator.trafficcontroller.support.Cluster;
import dev.loggregator.trafficcontroller.support.Emitter;
import dev.loggregator.trafficcontroller.support.Envelopes;
import dev.loggregator.trafficcontroller.support.V2Sender;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Counter;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Gauge;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.GaugeValue;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The PromQL benchmark of issue 20 (README, "Performance"). Not part of the default suite: run
 * <pre>./mvnw -B -q -pl traffic-controller -am verify -Dtest=PromQLBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dtc.excludedGroups=none</pre>
 * Two Dopplers and a Traffic Controller; an app with 10 instances has an hour of history (a
 * {@code requests} counter every second, container metrics every 15 s, per instance, half of the
 * instances on each Doppler) while agents write {@code bench.ingestRate} (50,000) log envelopes a
 * second of other apps. Then, one query at a time over HTTP: {@code bench.instantQueries} instant
 * {@code cpu{source_id="<app>"}} (latency percentiles), and {@code bench.rangeQueries} {@code query_range}
 * over the hour at 15 s of {@code avg by (instance_id)(rate(requests{source_id="<app>"}[1m]))}. CPU per
 * query is the processes' user + system time over the queries, less the same time measured idle
 * (ingest only). Results go to stdout and target/promql-benchmark.txt.
 */
@Tag("benchmark")
class PromQLBenchmark {
    private static final String[] JVM = {"-Xms1g", "-Xmx1g", "-XX:-UseSerialGC", "-XX:+UseParallelGC",
            "-XX:TieredStopAtLevel=4"};
    private static final long INGEST_RATE = Long.getLong("bench.ingestRate", 50_000);
    private static final int INSTANT_QUERIES = Integer.getInteger("bench.instantQueries", 3000);
    private static final int RANGE_QUERIES = Integer.getInteger("bench.rangeQueries", 100);
    private static final Path REPORT = Path.of("target", "promql-benchmark.txt");
    private static final long CLOCK_TICKS_PER_SECOND = 100;
    private static final String APP = "b3c1a0de-0000-4000-8000-00000000a991";

    @Test
    void instantAndRangeQueriesWhileIngesting() throws Exception {
        try (Cluster cluster = Cluster.start(2, 1, "auth: {disable_access_control: true}\nmetrics_interval_seconds: 3600",
                "metrics_interval_seconds: 3600", JVM)) {
            long end = System.currentTimeMillis() / 1000 * 1000;
            history(cluster, end);
            List<byte[]> logs = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                logs.add(Envelopes.log(String.format("bench-other-%03d", i), "x".repeat(120)));
            }
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String instant = cluster.http(0) + "/api/v1/query?query=" + encode("cpu{source_id=\"" + APP + "\"}");
            String range = cluster.http(0) + "/api/v1/query_range?query="
                    + encode("avg by (instance_id)(rate(requests{source_id=\"" + APP + "\"}[1m]))")
                    + "&start=" + (end / 1000 - 3600) + "&end=" + (end / 1000) + "&step=15";
            try (Emitter first = new Emitter(cluster.dopplerTcpPort(0), logs, INGEST_RATE / 2);
                 Emitter second = new Emitter(cluster.dopplerTcpPort(1), logs, INGEST_RATE / 2)) {
                for (int i = 0; i < 500; i++) {
                    query(http, instant);
                }
                for (int i = 0; i < 20; i++) {
                    query(http, range);
                }
                long idleStart = System.nanoTime();
                long[] idle0 = cpuTicks(cluster);
                Thread.sleep(5000);
                long[] idle = minus(cpuTicks(cluster), idle0);
                double idleSeconds = (System.nanoTime() - idleStart) / 1e9;

                report("PromQL: 2 Dopplers, 1 Traffic Controller, " + INGEST_RATE + " log envelopes/s ingested meanwhile; "
                        + "app of 10 instances with 1 h of history");
                measure(cluster, http, instant, INSTANT_QUERIES, idle, idleSeconds, "instant cpu{source_id}");
                measure(cluster, http, range, RANGE_QUERIES, idle, idleSeconds, "query_range 1h/15s avg by (instance_id)(rate(requests[1m]))");
                report("ingested meanwhile: " + (first.sent() + second.sent()) + " envelopes");
            }
        }
    }

    /** An hour of samples: the counter every second, container metrics every 15 s, for 10 instances. */
    private static void history(Cluster cluster, long endMillis) {
        try (V2Sender zero = new V2Sender(cluster.dopplerGrpcPort(0)); V2Sender one = new V2Sender(cluster.dopplerGrpcPort(1))) {
            for (int instance = 0; instance < 10; instance++) {
                List<Envelope> envelopes = new ArrayList<>();
                for (int s = 3600; s >= 0; s--) {
                    long timestamp = (endMillis - s * 1000L) * 1_000_000L;
                    envelopes.add(Envelope.newBuilder().setSourceId(APP).setInstanceId(Integer.toString(instance))
                            .setTimestamp(timestamp).putTags("origin", "gorouter")
                            .setCounter(Counter.newBuilder().setName("requests").setDelta(5).setTotal((3600L - s) * 5)).build());
                    if (s % 15 == 0) {
                        Gauge.Builder gauge = Gauge.newBuilder();
                        for (String metric : new String[] {"cpu", "memory", "disk", "memory_quota", "disk_quota"}) {
                            gauge.putMetrics(metric, GaugeValue.newBuilder().setValue(s % 100).build());
                        }
                        envelopes.add(Envelope.newBuilder().setSourceId(APP).setInstanceId(Integer.toString(instance))
                                .setTimestamp(timestamp).putTags("origin", "rep").setGauge(gauge).build());
                    }
                }
                (instance % 2 == 0 ? zero : one).send(envelopes);
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> Cluster.get(cluster.http(0) + "/api/v1/query?query="
                + encode("count(cpu{source_id=\"" + APP + "\"})")).body().contains("\"10\""));
    }

    private static void measure(Cluster cluster, HttpClient http, String url, int count, long[] idle, double idleSeconds,
                                String name) throws Exception {
        long[] latencies = new long[count];
        long[] cpu0 = cpuTicks(cluster);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long t = System.nanoTime();
            query(http, url);
            latencies[i] = System.nanoTime() - t;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] cpu = minus(cpuTicks(cluster), cpu0);
        Arrays.sort(latencies);
        double tcCpu = (cpu[0] - idle[0] * seconds / idleSeconds) / CLOCK_TICKS_PER_SECOND;
        double dopplerCpu = (cpu[1] - idle[1] * seconds / idleSeconds) / CLOCK_TICKS_PER_SECOND;
        report(String.format("%s: %d queries, p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms; CPU per query: "
                        + "Traffic Controller %.3f ms, Dopplers %.3f ms (beyond ingest)", name, count,
                latencies[count / 2] / 1e6, latencies[count * 9 / 10] / 1e6, latencies[Math.min(count - 1, count * 99 / 100)] / 1e6,
                latencies[count - 1] / 1e6, tcCpu * 1000 / count, dopplerCpu * 1000 / count));
    }

    private static void query(HttpClient http, String url) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** User + system clock ticks of the Traffic Controller, and of both Dopplers together. */
    private static long[] cpuTicks(Cluster cluster) throws IOException {
        return new long[] {ticks(cluster.trafficController(0).pid()), ticks(cluster.doppler(0).pid()) + ticks(cluster.doppler(1).pid())};
    }

    private static long ticks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static long[] minus(long[] a, long[] b) {
        return new long[] {a[0] - b[0], a[1] - b[1]};
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static void report(String line) throws IOException {
        System.out.println(line);
        Files.createDirectories(REPORT.getParent());
        Files.writeString(REPORT, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
