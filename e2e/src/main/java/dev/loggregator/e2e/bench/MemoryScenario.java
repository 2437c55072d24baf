package dev.loggregator.e2e.bench;

import dev.loggregator.e2e.client.EnvelopeStream;
import dev.loggregator.e2e.deployment.LoopbackDeployment;
import dev.loggregator.e2e.launcher.ManagedProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;

/** Scenario 4: RSS of every component at idle, at the peak of the load scenarios, and with many idle streams. */
final class MemoryScenario {
    private MemoryScenario() {
    }

    /** One row: every component's RSS now. */
    static ResultTable snapshot(LoopbackDeployment deployment, String state) {
        ResultTable table = new ResultTable("memory", state);
        Map<String, Object> row = table.row();
        row.put("state", state);
        for (ManagedProcess process : deployment.system().processes()) {
            row.put(process.name() + " MiB", Rss.of(process.pid()) / 1024.0 / 1024.0);
        }
        return table;
    }

    static ResultTable run(BenchContext context, LoopbackDeployment deployment, ResultTable idle, SSLContext tls,
                           int idleStreams) throws Exception {
        ResultTable table = new ResultTable("4-memory", "resident set size (MiB) of each component");
        table.rows.addAll(idle.rows);
        if (!context.peakRss().isEmpty()) {
            Map<String, Object> row = table.row();
            row.put("state", "peak under load (the scenarios before)");
            context.peakRss().forEach((component, rss) -> row.put(component, rss / 1024.0 / 1024.0));
        }
        List<HttpClient> clients = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            clients.add(BenchContext.httpClient(tls));
        }
        List<EnvelopeStream> open = new ArrayList<>();
        ExecutorService opener = Executors.newFixedThreadPool(32);
        try {
            List<Future<EnvelopeStream>> pending = new ArrayList<>();
            String prefix = LoadGenerator.newAppPrefix();
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
                } catch (ExecutionException e) {
                    failed++;
                    firstFailure = firstFailure == null ? String.valueOf(e.getCause()) : firstFailure;
                }
            }
            Thread.sleep(5000);
            System.gc();
            table.rows.addAll(snapshot(deployment, open.size() + " idle app streams (half per Traffic Controller)").rows);
            if (failed > 0) {
                table.notes.add(failed + " of " + idleStreams + " streams could not be opened, first: " + firstFailure);
            }
        } finally {
            open.forEach(EnvelopeStream::abort);
            opener.shutdownNow();
        }
        return table;
    }
}
