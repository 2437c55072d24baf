package dev.loggregator.e2e.bench;

import dev.loggregator.e2e.client.EnvelopeStream;
import dev.loggregator.e2e.client.LogEndpointClient;
import dev.loggregator.e2e.deployment.LoopbackDeployment;
import dev.loggregator.e2e.launcher.ManagedProcess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Scenario 5 (issue 17): syslog drains on one Doppler with local receivers. The Doppler's ingress
 * ceiling (highest offered rate it ingested whole and delivered without dropping anything, to its
 * Traffic Controller link and, with drains, to every receiver) without drains; then 100 apps bound to
 * 100 drains and the same ramp (lines/s into drains, loss, Doppler CPU per envelope); then one drain
 * alone; then without drains again (the ratio takes the better of the two); then the heap an idle
 * drain costs (10,000 bound drains that get nothing, measured after a full GC). A firehose client reads alongside in every phase; its loss is reported apart and does not
 * end a ramp: it is lost past the Doppler (in the Traffic Controller or in this JVM, which also runs
 * the 100 receivers), so it would measure the benchmark's own reader rather than the drains' cost.
 */
final class DrainScenario {
    /**
     * Fine steps where the ceilings lie, so the ratio with and without drains is measured, not bracketed: 25,000/s
     * up to 300,000/s and again from 500,000/s, where the ceiling with 100 drains lies (with 50,000/s steps, the
     * next step after 500,000/s was 600,000/s, so a run could show no ratio between 0.83x and 1.0x).
     */
    private static final List<Integer> RATES = List.of(100_000, 125_000, 150_000, 175_000, 200_000, 225_000, 250_000,
            275_000, 300_000, 350_000, 400_000, 450_000, 500_000, 525_000, 550_000, 575_000, 600_000);
    private static final int DRAINS = 100;
    private static final int IDLE_DRAINS = 10_000;
    /** What the load generator sends (the Traffic Controller's own metrics come in over dropsonde TCP). */
    private static final String GRPC_INGESTED = "doppler_ingress_envelopes_total{protocol=\"grpc_v2\"";

    private final LoopbackDeployment deployment;
    private final BenchBindingProvider provider;
    private final LogEndpointClient client;
    private final double stepSeconds;
    private final List<ManagedProcess> dopplers;
    private final ResultTable table = new ResultTable("5-syslog-drains",
            "v2 gRPC -> one Doppler -> 0, 100 or 1 syslog drains (local octet-counting receivers) + one firehose client"
            + " (loss criterion: the Doppler's ingress and drops, and the drains' receivers)");

    DrainScenario(LoopbackDeployment deployment, BenchBindingProvider provider, LogEndpointClient client, double stepSeconds) {
        this.deployment = deployment;
        this.provider = provider;
        this.client = client;
        this.stepSeconds = stepSeconds;
        this.dopplers = deployment.system().processes().stream().filter(p -> p.name().startsWith("doppler-")).toList();
    }

    ResultTable run() throws IOException {
        String prefix = LoadGenerator.newAppPrefix();
        List<String> apps = LoadGenerator.apps(prefix, DRAINS);
        DeliveryCounter firehose = new DeliveryCounter(prefix);
        try (SyslogSinks sinks = new SyslogSinks(DRAINS);
             EnvelopeStream stream = EnvelopeStream.open(client.http(),
                     client.endpoint().resolve("/firehose/" + prefix + "drains?filter-type=logs"), deployment.operator(), firehose);
             LoadGenerator generator = new LoadGenerator(List.of(deployment.ingress(0), deployment.ingress(0)), apps);
             LoadGenerator single = new LoadGenerator(List.of(deployment.ingress(0), deployment.ingress(0)), apps.subList(0, 1))) {
            long warm = generator.run(50_000, 2, 100);
            firehose.awaitQuiet(warm, 1000, 10_000);

            double without = ramp("no drains", generator, firehose, null, 0);
            List<BenchBindingProvider.Binding> bindings = new ArrayList<>();
            for (int i = 0; i < DRAINS; i++) {
                bindings.add(new BenchBindingProvider.Binding(apps.get(i), sinks.url(i)));
            }
            bind(bindings);
            double with = ramp(DRAINS + " drains", generator, firehose, sinks, 1);
            bind(bindings.subList(0, 1));
            ramp("1 drain", single, firehose, sinks, 1);
            // Again at the end: the first phase runs on the least warmed-up JVMs, which would flatter the ratio.
            bind(List.of());
            without = Math.max(without, ramp("no drains, again", generator, firehose, null, 0));
            table.notes.add("ingress loss-free ceiling: " + Math.round(without) + "/s without drains (the better of the"
                    + " first and last phase), " + Math.round(with) + "/s with " + DRAINS + " drains active ("
                    + String.format("%.2f", without == 0 ? 0 : with / without) + "x; target >= 0.8x)");
            if (!stream.isOpen()) {
                table.notes.add("the firehose stream was closed during the scenario: " + stream.closed().getNow(null));
            }
            idleDrainMemory(sinks);
        }
        return table;
    }

    /**
     * After an uncounted warm-up (50,000/s, then 100,000/s), rising offered rates until a step loses or the generator
     * saturates (with drains: until a drain line is lost); returns the highest offered rate the Doppler ingested
     * whole without dropping anything and, with drains, whose every line reached its receiver.
     * {@code copies} is how many drain lines each envelope makes.
     */
    private double ramp(String phase, LoadGenerator generator, DeliveryCounter firehose, SyslogSinks sinks, int copies) {
        warmUp(generator, firehose, sinks, copies);
        double bestLossless = 0;
        double bestIntoDrains = 0;
        boolean lostBefore = false;
        for (int rate : RATES) {
            long firehoseBefore = firehose.delivered();
            long sinksBefore = sinks == null ? 0 : sinks.total();
            double cpuBefore = ProcessCpu.seconds(dopplers);
            long dropsBefore = ComponentMetrics.sum(dopplers, "doppler_syslog_drain_dropped_total");
            Map<String, Long> dopplerDropsBefore = ComponentMetrics.sumByLabel(dopplers, "doppler_dropped_envelopes_total", "reason");
            long ingestedBefore = ComponentMetrics.sumStartingWith(dopplers, GRPC_INGESTED);
            long t0 = System.nanoTime();
            long sent = generator.run(rate, stepSeconds, 100);
            double sendSeconds = (System.nanoTime() - t0) / 1e9;
            long gotFirehose = firehose.awaitQuiet(firehoseBefore + sent, 1500, 15_000) - firehoseBefore;
            long gotDrains = sinks == null ? 0 : sinks.awaitQuiet(sinksBefore + sent * copies, 1500, 15_000) - sinksBefore;
            double seconds = Math.max(sendSeconds, (System.nanoTime() - t0) / 1e9 - 1.5);
            double cpuSeconds = ProcessCpu.seconds(dopplers) - cpuBefore;
            Map<String, Object> row = table.row();
            row.put("phase", phase);
            row.put("target/s", (long) rate);
            row.put("offered/s", sent / sendSeconds);
            long ingested = ComponentMetrics.sumStartingWith(dopplers, GRPC_INGESTED) - ingestedBefore;
            Map<String, Long> dropsByReason = ComponentMetrics.sumByLabel(dopplers, "doppler_dropped_envelopes_total", "reason");
            StringBuilder reasons = new StringBuilder();
            long dopplerDrops = 0;
            for (Map.Entry<String, Long> reason : dropsByReason.entrySet()) {
                long dropped = reason.getValue() - dopplerDropsBefore.getOrDefault(reason.getKey(), 0L);
                if (dropped > 0) {
                    dopplerDrops += dropped;
                    reasons.append(reasons.isEmpty() ? "" : " ").append(reason.getKey()).append(':').append(dropped);
                }
            }
            row.put("not ingested", sent - ingested);
            row.put("Doppler drops", reasons.isEmpty() ? "0" : reasons.toString());
            if (sinks != null) {
                row.put("drain lines/s", gotDrains / seconds);
                row.put("drain loss %", 100.0 * (sent * copies - gotDrains) / (sent * copies));
                row.put("drain drops (Doppler)", ComponentMetrics.sum(dopplers, "doppler_syslog_drain_dropped_total") - dropsBefore);
            }
            row.put("firehose client loss %", 100.0 * (sent - gotFirehose) / sent);
            row.put("Doppler CPU us/envelope", cpuSeconds * 1e6 / sent);
            boolean drainsLossless = ingested == sent && (sinks == null || gotDrains == sent * copies);
            boolean lossless = drainsLossless && dopplerDrops == 0;
            lostBefore |= !lossless;
            if (!lostBefore) {
                // the ceiling: every step up to here lost nothing; a step that asked more may have got less offered
                bestLossless = Math.max(bestLossless, sent / sendSeconds);
            }
            if (drainsLossless && sinks != null) {
                bestIntoDrains = Math.max(bestIntoDrains, gotDrains / seconds);
            }
            // With drains the ramp goes on past a loss elsewhere (the Traffic Controller's link) while every drain
            // line still arrives: the drains' own lossless rate is the other figure of the issue.
            if (!(sinks == null ? lossless : drainsLossless) || sent / sendSeconds < rate * 0.6) {
                break;
            }
        }
        table.notes.add(phase + ": loss-free up to " + Math.round(bestLossless) + "/s offered"
                + (sinks == null ? "" : "; every drain line delivered up to " + Math.round(bestIntoDrains) + " lines/s"));
        return bestLossless;
    }

    /** Not counted: compiles the phase's code paths and lets its drains connect before the first measured step. */
    private static void warmUp(LoadGenerator generator, DeliveryCounter firehose, SyslogSinks sinks, int copies) {
        long firehoseBefore = firehose.delivered();
        long sinksBefore = sinks == null ? 0 : sinks.total();
        // two rates: the first measured step comes after a fully warmed 100,000/s (the first phase otherwise lost at it)
        long warm = generator.run(50_000, 2, 100) + generator.run(100_000, 3, 100);
        firehose.awaitQuiet(firehoseBefore + warm, 1000, 10_000);
        if (sinks != null) {
            sinks.awaitQuiet(sinksBefore + warm * copies, 1000, 10_000);
        }
    }

    /** Heap after a full GC with {@value #IDLE_DRAINS} drains bound that get nothing, against none bound. */
    private void idleDrainMemory(SyslogSinks sinks) {
        bind(List.of());
        long before = heapAfterGc();
        List<BenchBindingProvider.Binding> idle = new ArrayList<>();
        String prefix = "idle-drain-" + UUID.randomUUID();
        for (int i = 0; i < IDLE_DRAINS; i++) {
            idle.add(new BenchBindingProvider.Binding(prefix + "-" + i, sinks.url(i % DRAINS) + "/?n=" + i));
        }
        bind(idle);
        long after = heapAfterGc();
        bind(List.of());
        Map<String, Object> row = table.row();
        row.put("phase", IDLE_DRAINS + " idle drains");
        row.put("heap per idle drain KB", (after - before) / 1024.0 / IDLE_DRAINS);
        table.notes.add("memory per idle drain: " + String.format("%.1f", (after - before) / 1024.0 / IDLE_DRAINS)
                + " KB of heap (target <= 64 KB)");
    }

    /** Binds exactly {@code bindings} and waits until the Doppler has them in force. */
    private void bind(List<BenchBindingProvider.Binding> bindings) {
        provider.bind(bindings);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (ComponentMetrics.sum(dopplers, "doppler_syslog_drains") != bindings.size()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the Doppler did not take " + bindings.size() + " drain bindings within 60 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
    }

    /**
     * The Dopplers' live heap after a full GC ({@link LiveHeap}). Not the {@code doppler_heap_used_bytes} gauge: a
     * scrape with 10,000 drains makes their per-drain series first, and that garbage (about 3 KB a drain) was
     * counted as the drains' heap.
     */
    private long heapAfterGc() {
        long bytes = 0;
        for (ManagedProcess doppler : dopplers) {
            bytes += LiveHeap.bytes(doppler.pid());
        }
        return bytes;
    }
}
