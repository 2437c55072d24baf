package dev.loggregator.e2e.bench;

import dev.loggregator.e2e.client.EnvelopeStream;
import dev.loggregator.e2e.deployment.LoopbackDeployment;
import dev.loggregator.e2e.launcher.ManagedProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;

/** Scenario 2: 1,000 app streams over 100 apps (10 per app) plus two firehose subscriptions, on one Traffic Controller. */
final class FanOutScenario {
    private FanOutScenario() {
    }

    static ResultTable run(BenchContext context, LoopbackDeployment deployment, SSLContext tls) throws Exception {
        ResultTable table = new ResultTable("2-fan-out",
                "1,000 app stream clients over 100 apps (10 each) + 2 firehose subscriptions, on one Traffic Controller");
        String prefix = LoadGenerator.newAppPrefix();
        List<String> apps = LoadGenerator.apps(prefix, 100);
        DeliveryCounter streams = new DeliveryCounter(prefix);
        DeliveryCounter firehoseA = new DeliveryCounter(prefix);
        DeliveryCounter firehoseB = new DeliveryCounter(prefix);
        List<HttpClient> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(BenchContext.httpClient(tls));
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
            open.add(EnvelopeStream.open(BenchContext.httpClient(tls), tc.resolve("/firehose/" + prefix + "a?filter-type=logs"),
                    deployment.operator(), firehoseA));
            open.add(EnvelopeStream.open(BenchContext.httpClient(tls), tc.resolve("/firehose/" + prefix + "b?filter-type=logs"),
                    deployment.operator(), firehoseB));
            for (Future<EnvelopeStream> f : pending) {
                open.add(f.get());
            }
            generator = new LoadGenerator(List.of(deployment.ingress(0), deployment.ingress(0)), apps);
            long warm = generator.run(20_000, 2, 100);
            streams.awaitQuiet(warm * 10, 2000, 20_000);
            firehoseA.awaitQuiet(warm, 1000, 10_000);
            List<ManagedProcess> dopplers = BenchContext.dopplers(deployment);
            List<ManagedProcess> trafficControllers = BenchContext.trafficControllers(deployment);
            for (int rate : List.of(5_000, 20_000, 50_000)) {
                long dopplerDrops = ComponentMetrics.sum(dopplers, "doppler_dropped_envelopes_total");
                long tcDrops = ComponentMetrics.sum(trafficControllers, "doppler_proxy_dropped_total");
                long s0 = streams.delivered();
                long a0 = firehoseA.delivered();
                long b0 = firehoseB.delivered();
                long t0 = System.nanoTime();
                long sent = generator.run(rate, context.stepSeconds + 2, 100);
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
                context.sampleRss(deployment);
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
}
