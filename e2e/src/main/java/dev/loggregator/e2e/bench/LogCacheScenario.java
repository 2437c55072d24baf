package dev.loggregator.e2e.bench;

import dev.loggregator.e2e.deployment.LoopbackDeployment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scenario 8, Log Cache (issue 14), on deployments of its own (one Doppler, one Traffic Controller,
 * started after the main one has stopped): the ingress loss-free ceiling (as scenario 1, over 100 apps
 * so that the store reaches its memory budget and expires) with {@code doppler.log_cache.enabled: false}
 * and then with the store on; on the store-on deployment, first the heap per stored envelope, read
 * latency while ingesting and concurrent {@code --recent} reads, all while the store is still empty
 * enough not to expire anything.
 */
final class LogCacheScenario {
    private static final int APPS = 100;

    private LogCacheScenario() {
    }

    static List<ResultTable> run(BenchContext context, Path runDir) throws InterruptedException {
        List<ResultTable> tables = new ArrayList<>();
        FirehoseScenario.Result off;
        try (LoopbackDeployment deployment = start(context, runDir.resolve("log-cache-off"), false)) {
            off = FirehoseScenario.run(context, deployment, "8a-ingress-store-off",
                    "as 1 over " + APPS + " apps, one Doppler and one TC, doppler.log_cache.enabled: false",
                    BenchContext.httpClient(null), deployment.trafficController(0), APPS, false);
        }
        tables.add(off.table());
        try (LoopbackDeployment deployment = start(context, runDir.resolve("log-cache-on"), true)) {
            LogCacheHeap heap = new LogCacheHeap();
            tables.add(heap.measure(deployment));
            LogCacheReadBench reads = new LogCacheReadBench(deployment);
            List<String> ingest = new ArrayList<>(heap.sources);
            ingest.add(heap.sources.get(0) + "a");
            ingest.add(heap.sources.get(0) + "b");
            tables.add(reads.latency(heap.sources.get(0), ingest, heap.shape, 8));
            tables.add(reads.concurrentRecent(heap.sources, 100, 10));
            FirehoseScenario.Result on = FirehoseScenario.run(context, deployment, "8b-ingress-store-on",
                    "as 8a with the store on (default settings; it holds the envelopes of 8c-8e as well)",
                    BenchContext.httpClient(null), deployment.trafficController(0), APPS, false);
            tables.add(1, on.table());
            compare(on, off);
        }
        return tables;
    }

    private static LoopbackDeployment start(BenchContext context, Path dir, boolean store) {
        LoopbackDeployment.Builder builder = LoopbackDeployment.in(dir).buildIfNeeded().jvmArgs(context.componentJvmArgs)
                .dopplers(1).trafficControllers(1);
        if (!store) {
            builder.doppler("log_cache: {enabled: false}");
        }
        LoopbackDeployment deployment = builder.start();
        try {
            Thread.sleep(3000); // let the JVMs finish starting up before measuring
        } catch (InterruptedException e) {
            deployment.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return deployment;
    }

    /** The ceiling ratio, and the Doppler's CPU per envelope at the rates both runs delivered without loss. */
    private static void compare(FirehoseScenario.Result on, FirehoseScenario.Result off) {
        ResultTable table = on.table();
        double ratio = off.ceiling() == 0 ? Double.NaN : on.ceiling() / off.ceiling();
        table.summary.put("ceiling store on/s", on.ceiling());
        table.summary.put("ceiling store off/s", off.ceiling());
        table.summary.put("ratio on/off", ratio);
        table.notes.add(String.format("ingress loss-free ceiling with the store on %,.0f/s, off %,.0f/s: %.2fx (target >= 0.9x: %s)",
                on.ceiling(), off.ceiling(), ratio, ratio >= 0.9 ? "met" : "NOT met"));
        StringBuilder cpu = new StringBuilder("Doppler CPU per envelope, store on vs off, at the targets both delivered without loss:");
        for (Map<String, Object> onRow : on.table().rows) {
            for (Map<String, Object> offRow : off.table().rows) {
                if (onRow.get("target/s") != null && onRow.get("target/s").equals(offRow.get("target/s"))
                        && Double.valueOf(0).equals(onRow.get("loss %")) && Double.valueOf(0).equals(offRow.get("loss %"))) {
                    cpu.append(String.format(" %,d/s: %.2f vs %.2f us;", (Long) onRow.get("target/s"),
                            (Double) onRow.get("Doppler CPU us/env"), (Double) offRow.get("Doppler CPU us/env")));
                }
            }
        }
        table.notes.add(cpu.toString());
    }
}
