package dev.loggregator.e2e.bench;

import dev.loggregator.e2e.deployment.LoopbackDeployment;
import dev.loggregator.e2e.launcher.ManagedProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A reader's loss-free ceiling: the generator offers rising rates for {@code stepSeconds} each, and
 * each step waits until the reader has everything or stops receiving, so loss is exact (sent minus
 * delivered, checked against every drop counter and notice). Rising stops at the generator's limit,
 * when the stream closes, after two lossy steps in a row, or at the time budget; then two bisection
 * steps between the best lossless rate and the next lossy one narrow the ceiling down. Optionally
 * followed by one-way latency at 10,000/s.
 */
final class CeilingSearch {
    static final List<Integer> RATES = List.of(10_000, 50_000, 100_000, 200_000, 350_000, 500_000, 750_000, 1_000_000);
    static final Duration BUDGET = Duration.ofSeconds(130);
    private static final int BISECTIONS = 2;

    private final BenchContext context;
    private final LoopbackDeployment deployment;
    private final BenchReader reader;
    private final LoadGenerator generator;
    private final ResultTable table;
    private final List<ManagedProcess> dopplers;
    private final List<ManagedProcess> trafficControllers;
    private double bestLossless;

    CeilingSearch(BenchContext context, LoopbackDeployment deployment, BenchReader reader, LoadGenerator generator,
                  ResultTable table) {
        this.context = context;
        this.deployment = deployment;
        this.reader = reader;
        this.generator = generator;
        this.table = table;
        this.dopplers = BenchContext.dopplers(deployment);
        this.trafficControllers = BenchContext.trafficControllers(deployment);
    }

    /** Runs the steps into the table and returns the highest offered rate delivered with zero loss. */
    double run(boolean latency) {
        long deadline = System.nanoTime() + BUDGET.toNanos();
        DeliveryCounter counter = reader.counter();
        long warm = generator.run(50_000, 3, 100);
        counter.awaitQuiet(warm, 1000, 10_000);
        int lossyInARow = 0;
        int bestLosslessTarget = 0;
        int lowestLossyAbove = Integer.MAX_VALUE;
        boolean limited = false;
        for (int rate : RATES) {
            if (outOfTime(deadline)) {
                table.notes.add("stopped before " + rate + "/s to stay within the scenario's time budget");
                limited = true;
                break;
            }
            Step step = step(rate);
            if (step.lossless()) {
                lossyInARow = 0;
                bestLosslessTarget = rate;
                lowestLossyAbove = Integer.MAX_VALUE;
            } else {
                lossyInARow++;
                lowestLossyAbove = Math.min(lowestLossyAbove, rate);
            }
            if (!reader.isOpen()) {
                table.notes.add("the stream was closed at " + rate + "/s target: " + reader.closedReason());
                limited = true;
                break;
            }
            if (step.offered() < rate * 0.6) {
                table.notes.add("the generator could not offer more than " + Math.round(step.offered()) + "/s");
                limited = step.lossless();
                break;
            }
            if (lossyInARow == 2) {
                break;
            }
        }
        if (!limited && lowestLossyAbove != Integer.MAX_VALUE) {
            int low = bestLosslessTarget;
            int high = lowestLossyAbove;
            for (int i = 0; i < BISECTIONS && high - low > 20_000 && !outOfTime(deadline) && reader.isOpen(); i++) {
                int mid = (low + high) / 2 / 1000 * 1000;
                if (step(mid).lossless()) {
                    low = mid;
                } else {
                    high = mid;
                }
            }
        }
        table.notes.add("highest offered rate delivered with zero loss: " + Math.round(bestLossless) + "/s");
        if (latency && reader.isOpen()) {
            latency(counter);
        }
        return bestLossless;
    }

    private boolean outOfTime(long deadline) {
        return System.nanoTime() + (long) ((context.stepSeconds + 6) * 1e9) > deadline - 15_000_000_000L;
    }

    private record Step(double offered, boolean lossless) {
    }

    private Step step(int rate) {
        DeliveryCounter counter = reader.counter();
        long before = counter.delivered();
        long notices = counter.dropNotices();
        long dopplerDrops = ComponentMetrics.sum(dopplers, "doppler_dropped_envelopes_total");
        long tcDrops = ComponentMetrics.sum(trafficControllers, "doppler_proxy_dropped_total");
        double dopplerCpu = ProcessCpu.seconds(dopplers);
        double tcCpu = ProcessCpu.seconds(trafficControllers);
        long t0 = System.nanoTime();
        long sent = generator.run(rate, context.stepSeconds, 100);
        double sendSeconds = (System.nanoTime() - t0) / 1e9;
        long got = counter.awaitQuiet(before + sent, 1500, 15_000) - before;
        double deliverSeconds = (System.nanoTime() - t0) / 1e9;
        context.sampleRss(deployment);
        double offered = sent / sendSeconds;
        Map<String, Object> row = table.row();
        row.put("target/s", (long) rate);
        row.put("offered/s", offered);
        row.put("delivered/s", got / Math.max(sendSeconds, Math.min(deliverSeconds, sendSeconds + 1.5)));
        row.put("loss %", 100.0 * (sent - got) / sent);
        row.put("drop notices", counter.dropNotices() - notices);
        row.put("dropped in Doppler", ComponentMetrics.sum(dopplers, "doppler_dropped_envelopes_total") - dopplerDrops);
        row.put("dropped in TC", ComponentMetrics.sum(trafficControllers, "doppler_proxy_dropped_total") - tcDrops);
        row.put("Doppler CPU us/env", (ProcessCpu.seconds(dopplers) - dopplerCpu) * 1e6 / sent);
        row.put("TC CPU us/env", (ProcessCpu.seconds(trafficControllers) - tcCpu) * 1e6 / sent);
        row.put("stream open", reader.isOpen() ? "yes" : "closed");
        boolean lossless = got == sent;
        if (lossless && offered > bestLossless) {
            bestLossless = offered;
        }
        return new Step(offered, lossless);
    }

    private void latency(DeliveryCounter counter) {
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
