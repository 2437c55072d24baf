package dev.loggregator.doppler;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.doppler.support.BatchSubscriber;
import dev.loggregator.doppler.support.Envelopes;
import dev.loggregator.doppler.support.TcpSender;
import dev.loggregator.testsupport.DopplerNode;
import dev.loggregator.testsupport.JavaProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.junit.jupiter.api.Test;

/** Start, health, self-metrics, SIGTERM and a bad manifest, against the real process. */
class LifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void healthMetricsAndSelfMetricsInTheFirehose() throws Exception {
        try (DopplerNode doppler = DopplerNode.builder().name("self-metrics").set("metrics_interval_seconds", 1).start()) {
            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + doppler.healthPort() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            assertEquals("{\"status\":\"UP\"}", health.body());

            BatchSubscriber firehose = BatchSubscriber.connect(doppler.wsUrl("/firehose/ops"));
            try (TcpSender tcp = TcpSender.connect(doppler.tcpPort())) {
                tcp.send(Envelopes.v1Log("app", "hello")).flush();
            }
            await().atMost(WAIT).until(() -> firehose.count(e -> e.getOrigin().equals("DopplerServer") && e.hasCounterEvent()
                    && e.getCounterEvent().getName().equals("ingress") && "tcp".equals(e.getTagsMap().get("protocol"))
                    && e.getCounterEvent().getTotal() >= 1) > 0);
            await().atMost(WAIT).until(() -> firehose.count(e -> e.getOrigin().equals("DopplerServer") && e.hasValueMetric()
                    && e.getValueMetric().getName().equals("firehose_subscriptions") && e.getValueMetric().getValue() == 1) > 0);
            Envelope selfMetric = firehose.envelopes(e -> e.getOrigin().equals("DopplerServer")).get(0);
            assertEquals("doppler", selfMetric.getJob());
            assertEquals("0", selfMetric.getIndex());
            assertTrue(doppler.metricsText().contains("doppler_ingress_envelopes_total{protocol=\"tcp\"} 1.0"), doppler.metricsText());
            firehose.close();
        }
    }

    @Test
    void sigtermDeliversWhatIsQueuedClosesLinksWith1001AndExitsZero() throws Exception {
        DopplerNode doppler = DopplerNode.builder().name("sigterm").start();
        try {
            BatchSubscriber firehose = BatchSubscriber.connect(doppler.wsUrl("/firehose/drain"));
            String marker = UUID.randomUUID().toString();
            try (TcpSender tcp = TcpSender.connect(doppler.tcpPort())) {
                for (int i = 0; i < 5000; i++) {
                    tcp.send(Envelopes.v1Log("app", marker + " " + i));
                }
                tcp.flush();
                await().atMost(WAIT).until(() -> doppler.metric("doppler_ingress_envelopes_total{protocol=\"tcp\"}") == 5000);
            }
            assertEquals(0, doppler.terminate(30), doppler.process().output());
            await().atMost(WAIT).until(() -> firehose.closeCode() == 1001);
            assertEquals(5000, firehose.count(e -> e.hasLogMessage() && Envelopes.text(e).startsWith(marker)));
            assertTrue(doppler.process().output().contains("Doppler 0 stopped"));
        } finally {
            doppler.close();
        }
    }

    @Test
    void aBadManifestIsOneLineOnStderrAndExitStatus2() throws Exception {
        Path manifest = Files.createTempFile(Files.createDirectories(Path.of("target", "manifests")), "bad-", ".yml");
        Files.writeString(manifest, "doppler:\n  max_retained_log_mesages: 5\n");
        try (JavaProcess process = JavaProcess.start("bad-manifest", DopplerNode.MAIN_CLASS,
                "--manifest", manifest.toString(), "--index", "0")) {
            assertTrue(process.process().waitFor(60, TimeUnit.SECONDS));
            assertEquals(2, process.process().exitValue());
            String output = process.output().strip();
            assertEquals(1, output.lines().count(), output);
            assertTrue(output.contains("max_retained_log_mesages"), output);
        }
    }
}
