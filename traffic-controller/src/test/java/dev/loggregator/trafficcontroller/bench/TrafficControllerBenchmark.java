package dev.loggregator.trafficcontroller.bench;

import static dev.loggregator.testsupport.TestApps.guid;
import static org.awaitility.Awaitility.await;

import dev.loggregator.trafficcontroller.support.Cluster;
import dev.loggregator.trafficcontroller.support.Emitter;
import dev.loggregator.trafficcontroller.support.Envelopes;
import dev.loggregator.trafficcontroller.support.FrameCounter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Traffic Controller benchmark (README, "Performance"). Not part of the default suite: run
 * <pre>./mvnw -B -q -pl traffic-controller -am verify -Dtest=TrafficControllerBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dtc.excludedGroups=none</pre>
 * (add {@code -Dbench.scenarios=firehose,fanout,idle} to choose). Real Doppler and Traffic
 * Controller processes on loopback, agents writing to the Dopplers' TCP ingress, consumers
 * counting frames on one NIO thread. Each step offers a fixed rate for {@code bench.stepSeconds},
 * then stops the producers and waits for the stream to drain, so "loss" is exact: envelopes sent
 * minus envelopes delivered. Results go to stdout and target/benchmark.txt.
 */
@Tag("benchmark")
class TrafficControllerBenchmark {
    private static final String[] JVM = {"-Xms1g", "-Xmx1g", "-XX:-UseSerialGC", "-XX:+UseParallelGC",
            "-XX:TieredStopAtLevel=4"};
    private static final int STEP_SECONDS = Integer.getInteger("bench.stepSeconds", 8);
    private static final String SCENARIOS = System.getProperty("bench.scenarios", "firehose,fanout,idle");
    private static final Path REPORT = Path.of("target", "benchmark.txt");

    /** Fixed-size LogMessages (about 200 bytes, a typical app log line) so frames can be counted by length. */
    private static List<byte[]> envelopes(int apps) {
        List<byte[]> envelopes = new ArrayList<>();
        for (int i = 0; i < apps; i++) {
            String app = guid(String.format("bench-app-%04d", i));
            envelopes.add(Envelopes.log(app, "x".repeat(120)));
        }
        int size = envelopes.get(0).length;
        if (envelopes.stream().anyMatch(e -> e.length != size)) {
            throw new IllegalStateException("envelope sizes differ");
        }
        return envelopes;
    }

    @Test
    void firehose() throws Exception {
        if (!SCENARIOS.contains("firehose")) {
            return;
        }
        List<byte[]> envelopes = envelopes(1);
        try (Cluster cluster = Cluster.start(2, 1, """
                auth: {disable_access_control: true}
                outgoing_buffer_size: 200000
                metrics_interval_seconds: 3600
                """, "link_buffer_bytes: 268435456\ningress_buffer_size: 262144", JVM);
             FrameCounter counter = new FrameCounter(envelopes.get(0).length, 1 << 20)) {
            counter.connect(cluster.tcPort(0), "/firehose/bench?filter-type=logs");
            report("firehose: 2 Dopplers -> 1 Traffic Controller -> 1 firehose client, " + envelopes.get(0).length
                    + "-byte LogMessages, " + STEP_SECONDS + " s per step");
            run(cluster, counter, envelopes, 1, new long[] {200_000, 400_000, 500_000, 600_000, 800_000,
                    1_000_000, 1_200_000, 1_500_000, 2_000_000});
        }
    }

    @Test
    void fanout() throws Exception {
        if (!SCENARIOS.contains("fanout")) {
            return;
        }
        List<byte[]> envelopes = envelopes(100);
        try (Cluster cluster = Cluster.start(2, 1, """
                auth: {disable_access_control: true}
                outgoing_buffer_size: 100000
                metrics_interval_seconds: 3600
                limits: {max_connections_per_address: 2000}
                """, "link_buffer_bytes: 268435456\ningress_buffer_size: 262144", JVM);
             FrameCounter counter = new FrameCounter(envelopes.get(0).length, 64 * 1024)) {
            for (int client = 0; client < 1000; client++) {
                counter.connect(cluster.tcPort(0), "/apps/" + guid(String.format("bench-app-%04d", client % 100)) + "/stream");
            }
            report("fan-out: 2 Dopplers -> 1 Traffic Controller -> 1,000 app-stream clients over 100 apps"
                    + " (10 per app), " + STEP_SECONDS + " s per step; rates are ingress, deliveries are 10x");
            run(cluster, counter, envelopes, 10, new long[] {50_000, 100_000, 150_000, 200_000, 250_000, 300_000});
        }
    }

    @Test
    void idleStreams() throws Exception {
        if (!SCENARIOS.contains("idle")) {
            return;
        }
        int streams = Integer.getInteger("bench.idleStreams", 10_000);
        int apps = Integer.getInteger("bench.idleApps", 100);
        int dopplers = 2;
        try (Cluster cluster = Cluster.start(dopplers, 1, "auth: {disable_access_control: true}\nmetrics_interval_seconds: 3600\n"
                        + "limits: {max_connections: 20000, max_connections_per_address: 20000}",
                "", "-Xms2g", "-Xmx2g", "-XX:-UseSerialGC", "-XX:+UseParallelGC");
             FrameCounter counter = new FrameCounter(-1, 512)) {
            long pid = cluster.trafficController(0).pid();
            long before = heapAfterGc(cluster, pid);
            long threadsBefore = Cluster.sample(cluster.tcMetrics(0), "jvm_threads");
            for (int i = 0; i < streams; i++) {
                counter.connect(cluster.tcPort(0), "/apps/" + guid(String.format("idle-app-%05d", i % apps)) + "/stream");
            }
            await().atMost(Duration.ofMinutes(2)).until(() -> Cluster.sample(cluster.tcMetrics(0), "doppler_proxy_app_streams") == streams);
            // Every app stream rides the one multiplexed link per Doppler; the Dopplers follow each app.
            await().atMost(Duration.ofMinutes(2)).until(() ->
                    Cluster.sample(cluster.tcMetrics(0), "doppler_proxy_doppler_links") == dopplers);
            long after = heapAfterGc(cluster, pid);
            long threadsAfter = Cluster.sample(cluster.tcMetrics(0), "jvm_threads");
            Process histogram = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(pid), "GC.class_histogram").redirectErrorStream(true)
                    .redirectOutput(Path.of("target", "idle-histogram.txt").toFile()).start();
            histogram.waitFor(60, TimeUnit.SECONDS);
            report(String.format("idle streams: %,d app streams over %,d apps, 2 Dopplers, 1 Traffic Controller: heap after GC"
                            + " %,d -> %,d bytes = %,d bytes per stream; threads %d -> %d", streams, apps, before, after,
                    (after - before) / streams, threadsBefore, threadsAfter));
            // Held past two keepalive rounds (pings every 15 s, answered by the counter).
            await().pollDelay(Duration.ofSeconds(40)).atMost(Duration.ofSeconds(60)).until(() -> true);
            report(String.format("idle streams: after 40 s %,d of %,d still open (%d closed)", counter.openConnections(),
                    streams, counter.closedConnections()));
        }
    }

    private static void run(Cluster cluster, FrameCounter counter, List<byte[]> envelopes, int fanout, long[] rates)
            throws Exception {
        List<Emitter> emitters = new ArrayList<>();
        // Two producer connections per Doppler, half the rate each.
        for (int doppler = 0; doppler < 2; doppler++) {
            for (int connection = 0; connection < 2; connection++) {
                emitters.add(new Emitter(cluster.dopplerTcpPort(doppler), envelopes, 0));
            }
        }
        try {
            step(cluster, counter, emitters, 20_000, 5, fanout, true);
            for (long rate : rates) {
                boolean lossless = step(cluster, counter, emitters, rate, STEP_SECONDS, fanout, false);
                if (!lossless) {
                    break;
                }
            }
        } finally {
            for (Emitter emitter : emitters) {
                emitter.close();
            }
        }
    }

    /** Offers {@code rate} envelopes/s for {@code seconds}, then drains; reports and returns whether nothing was lost. */
    private static boolean step(Cluster cluster, FrameCounter counter, List<Emitter> emitters, long rate, int seconds,
                                int fanout, boolean warmup) throws Exception {
        long sent0 = emitters.stream().mapToLong(Emitter::sent).sum();
        long received0 = counter.framesOfSize();
        long start = System.nanoTime();
        emitters.forEach(e -> e.rate(rate / emitters.size()));
        await().pollDelay(Duration.ofSeconds(seconds)).atMost(Duration.ofSeconds(seconds + 1)).until(() -> true);
        emitters.forEach(e -> e.rate(0));
        long offeredNanos = System.nanoTime() - start;
        long sent = emitters.stream().mapToLong(Emitter::sent).sum() - sent0;
        // Drained: nothing new for a second (or everything arrived).
        long[] last = {-1};
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                long now = counter.framesOfSize();
                boolean done = now - received0 >= sent * fanout || now == last[0];
                last[0] = now;
                return done;
            });
        } catch (org.awaitility.core.ConditionTimeoutException stillDraining) {
            report("    (still draining 30 s after the step: reported as lost what had not arrived by then)");
        }
        long drainedNanos = System.nanoTime() - start;
        long delivered = counter.framesOfSize() - received0;
        long lost = sent * fanout - delivered;
        String metrics = cluster.tcMetrics(0);
        if (!warmup) {
            report(String.format("  offered %,9d/s: sent %,10d, delivered %,11d (%,10.0f deliveries/s over the step),"
                            + " lost %,d (%.3f %%); TC dropped %,d so far",
                    rate, sent, delivered, delivered / (offeredNanos / 1e9), lost, 100.0 * lost / Math.max(1, sent * fanout),
                    Cluster.sample(metrics, "doppler_proxy_dropped_total{endpoint=\"firehose\"}")
                            + Cluster.sample(metrics, "doppler_proxy_dropped_total{endpoint=\"stream\"}")));
            if (drainedNanos - offeredNanos > TimeUnit.SECONDS.toNanos(3)) {
                report(String.format("    (took %.1f s more to drain: the rate is above what flows through)",
                        (drainedNanos - offeredNanos) / 1e9));
            }
        }
        return lost <= 0;
    }

    private static long heapAfterGc(Cluster cluster, long pid) throws Exception {
        for (int i = 0; i < 2; i++) {
            Process gc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(pid), "GC.run").redirectErrorStream(true).start();
            gc.getInputStream().readAllBytes();
            gc.waitFor(60, TimeUnit.SECONDS);
        }
        return Cluster.sample(cluster.tcMetrics(0), "jvm_heap_used_bytes");
    }

    private static void report(String line) throws IOException {
        System.out.println(line);
        Files.writeString(REPORT, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
