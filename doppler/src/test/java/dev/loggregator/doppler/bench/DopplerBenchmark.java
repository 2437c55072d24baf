package dev.loggregator.doppler.bench;

import dev.loggregator.wire.v2.V2ToV1Converter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One Doppler (the shaded jar, own JVM), a v2 BatchSender load generator and one firehose
 * subscriber, all on this machine, with 200-byte log envelopes (v1 size). See README.md,
 * "Performance", for the command and the figures.
 *
 * <pre>
 * throughput [--rates 300000,400000,...] [--seconds 10] [--link-buffer-bytes N] [--ingress-buffer N]
 *                                                         zero-loss sweep; rate 0 = as fast as flow control allows;
 *                                                         the buffers default to the manifest defaults
 * latency    [--rate 10000] [--seconds 30]                 one-way latency, load generator to subscriber
 * memory     [--apps 10000] [--lines 100]                  heap and RSS with every app's ring full
 * </pre>
 */
public final class DopplerBenchmark {
    static final int ENVELOPE_BYTES = 200;
    /** As the performance notes measured; DOPPLER_BENCH_JVM adds options (e.g. a JFR recording). */
    private static final List<String> DOPPLER_JVM = dopplerJvm();

    private DopplerBenchmark() {
    }

    private static List<String> dopplerJvm() {
        List<String> options = new java.util.ArrayList<>(List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC"));
        String extra = System.getenv("DOPPLER_BENCH_JVM");
        if (extra != null && !extra.isBlank()) {
            options.addAll(List.of(extra.trim().split("\\s+")));
        }
        return List.copyOf(options);
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: DopplerBenchmark throughput|latency|memory [--option value ...]");
            System.exit(2);
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        System.out.printf("machine: %d cores, Java %s; Doppler JVM %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), DOPPLER_JVM);
        switch (args[0]) {
            case "throughput" -> throughput(options);
            case "latency" -> latency(options);
            case "memory" -> memory(options);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    /** Payload length whose v1 envelope is ENVELOPE_BYTES long. */
    static int payloadBytes() {
        int probe = 100;
        int size = V2ToV1Converter.convert(BatchSenderLoad.log(BatchSenderLoad.appId(1), probe, 0)).get(0).toByteArray().length;
        return probe + ENVELOPE_BYTES - size;
    }

    private static void throughput(Map<String, String> options) throws Exception {
        double seconds = Double.parseDouble(options.getOrDefault("seconds", "10"));
        long[] rates = Arrays.stream(options.getOrDefault("rates", "0,300000,400000,500000,600000,700000,800000").split(","))
                .mapToLong(Long::parseLong).toArray();
        int payload = payloadBytes();
        List<byte[]> batches = BatchSenderLoad.batches(256, 1000, payload);
        StringBuilder config = new StringBuilder();
        if (options.containsKey("link-buffer-bytes")) {
            config.append("  link_buffer_bytes: ").append(Long.parseLong(options.get("link-buffer-bytes"))).append('\n');
        }
        if (options.containsKey("ingress-buffer")) {
            config.append("  ingress_buffer_size: ").append(Integer.parseInt(options.get("ingress-buffer"))).append('\n');
        }
        System.out.printf("throughput: %d-byte v1 log envelopes, batches of %d, 1000 apps, %.0f s per rate%s%n",
                ENVELOPE_BYTES, BatchSenderLoad.BATCH, seconds, config.length() == 0 ? "" : "; doppler:\n" + config);
        try (BenchmarkDoppler doppler = new BenchmarkDoppler(DOPPLER_JVM, config.toString());
             BatchSenderLoad load = new BatchSenderLoad(doppler.grpcPort)) {
            CountingSubscriber firehose = CountingSubscriber.connect("ws://127.0.0.1:" + doppler.wsPort + "/firehose/bench", null);
            // Warm-up: let the JITs of all three JVMs settle.
            load.run(batches, 0, 5);
            awaitQuiet(firehose);
            for (long rate : rates) {
                long receivedBefore = firehose.received();
                double shedBefore = doppler.shed();
                double subscriberDropsBefore = doppler.droppedForSubscribers();
                double cpuBefore = doppler.cpuSeconds();
                long start = System.nanoTime();
                long sent = load.run(batches, rate, seconds);
                double sendSeconds = (System.nanoTime() - start) / 1e9;
                awaitQuiet(firehose);
                double cpu = doppler.cpuSeconds() - cpuBefore;
                long received = firehose.received() - receivedBefore;
                double shed = doppler.shed() - shedBefore;
                double subscriberDrops = doppler.droppedForSubscribers() - subscriberDropsBefore;
                System.out.printf("  target %-9s sent %,11d (%,9.0f/s)  received %,11d  shed at ingress %,.0f, dropped for the subscriber %,.0f  %s;"
                                + " Doppler CPU %.2f µs/envelope (%,.0f envelopes per CPU-second)%n",
                        rate == 0 ? "max" : String.format("%,d", rate), sent, sent / sendSeconds, received, shed, subscriberDrops,
                        shed + subscriberDrops == 0 && received == sent ? "ZERO LOSS" : String.format("LOSS %,.0f", shed + subscriberDrops),
                        cpu * 1e6 / sent, sent / cpu);
            }
            firehose.close();
        }
    }

    private static void latency(Map<String, String> options) throws Exception {
        long rate = Long.parseLong(options.getOrDefault("rate", "10000"));
        double seconds = Double.parseDouble(options.getOrDefault("seconds", "30"));
        int batch = Integer.parseInt(options.getOrDefault("batch", "10"));
        int payload = payloadBytes();
        LatencyRecorder recorder = new LatencyRecorder();
        try (BenchmarkDoppler doppler = new BenchmarkDoppler(DOPPLER_JVM, "");
             BatchSenderLoad load = new BatchSenderLoad(doppler.grpcPort)) {
            CountingSubscriber firehose = CountingSubscriber.connect("ws://127.0.0.1:" + doppler.wsPort + "/firehose/bench", recorder);
            load.runStamped(batch, 1000, payload, rate, 10); // warm-up
            awaitQuiet(firehose);
            recorder.start();
            long sent = load.runStamped(batch, 1000, payload, rate, seconds);
            awaitQuiet(firehose);
            recorder.stop();
            System.out.printf("latency at %,d envelopes/s (batches of %d, %d-byte envelopes, %.0f s): %s; sent %,d dropped %.0f%n",
                    rate, batch, ENVELOPE_BYTES, seconds, recorder.summary(), sent, doppler.droppedTotal());
            firehose.close();
        }
    }

    private static void memory(Map<String, String> options) throws Exception {
        int apps = Integer.parseInt(options.getOrDefault("apps", "10000"));
        int lines = Integer.parseInt(options.getOrDefault("lines", "100"));
        int payload = payloadBytes();
        try (BenchmarkDoppler doppler = new BenchmarkDoppler(DOPPLER_JVM, "  max_retained_log_messages: " + lines);
             BatchSenderLoad load = new BatchSenderLoad(doppler.grpcPort)) {
            doppler.gc();
            long idleHeap = (long) doppler.metric("doppler_heap_used_bytes");
            long idleRss = doppler.rssBytes();
            // Each batch holds 100 consecutive app ids, so `apps` batches per round fill one line of every app.
            List<byte[]> round = BatchSenderLoad.batches(apps / BatchSenderLoad.BATCH, apps, payload);
            long sent = 0;
            for (int line = 0; line < lines; line++) {
                sent += load.sendOnce(round);
            }
            while (doppler.metric("doppler_ingress_buffer_depth") > 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
            doppler.gc();
            long heap = (long) doppler.metric("doppler_heap_used_bytes");
            long retained = (long) doppler.metric("doppler_retained_bytes");
            System.out.printf("memory: %,d apps x %d lines of %d bytes (%,d envelopes sent, %,.0f apps held, %,d bytes of envelopes retained)%n",
                    apps, lines, ENVELOPE_BYTES, sent, doppler.metric("doppler_apps"), retained);
            System.out.printf("  heap after full GC: idle %,.1f MiB, loaded %,.1f MiB; RSS: idle %,.1f MiB, loaded %,.1f MiB%n",
                    idleHeap / 1048576.0, heap / 1048576.0, idleRss / 1048576.0, doppler.rssBytes() / 1048576.0);
        }
    }

    /** Waits until the subscriber has received nothing new for a second. */
    private static void awaitQuiet(CountingSubscriber subscriber) {
        long last = -1;
        while (subscriber.received() != last) {
            last = subscriber.received();
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
        }
    }
}
