package dev.loggregator.doppler.ratelimit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.doppler.support.BatchSubscriber;
import dev.loggregator.doppler.support.Envelopes;
import dev.loggregator.doppler.support.TcpSender;
import dev.loggregator.testsupport.DopplerNode;
import dev.loggregator.wire.multiplex.AppStreamMultiplex;
import java.time.Duration;
import java.util.List;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Doppler with {@code doppler.log_rate_limit}: an app instance over its limit loses the rest of its
 * burst, counted per app, and finds Cloud Foundry's notice in its own stream; a quiet app sending at the
 * same time loses nothing.
 */
class LogRateLimitDopplerTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String NOTICE = "app instance exceeded log rate limit (1000 bytes/sec)";
    private static DopplerNode doppler;

    @BeforeAll
    static void start() {
        doppler = DopplerNode.builder().name("log-rate-limit")
                .set("log_rate_limit", "{default_bytes_per_second: 100000, apps: {noisy: 1000}}")
                .set("metrics_interval_seconds", "1")
                .start();
    }

    @AfterAll
    static void stop() {
        doppler.close();
    }

    @Test
    void theNoisyInstanceIsCutAndToldWhileTheQuietAppLosesNothing() throws Exception {
        BatchSubscriber link = BatchSubscriber.connectMultiplexed(doppler.wsUrl(AppStreamMultiplex.PATH));
        link.send(AppStreamMultiplex.subscribe("noisy"));
        link.send(AppStreamMultiplex.subscribe("quiet"));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            try (TcpSender tcp = TcpSender.connect(doppler.tcpPort())) {
                tcp.send(Envelopes.v1Log("noisy", "probe")).send(Envelopes.v1Log("quiet", "probe")).flush();
            }
            return !link.envelopesTagged("noisy").isEmpty() && !link.envelopesTagged("quiet").isEmpty();
        });
        String padding = "x".repeat(98);
        int noisy = 100; // 10 KB at once: ten times the noisy app's 1000 bytes/s
        int quiet = 20;
        try (TcpSender tcp = TcpSender.connect(doppler.tcpPort())) {
            for (int i = 0; i < noisy; i++) {
                tcp.send(Envelopes.v1Log("noisy", String.format("n-%02d", i) + padding));
                if (i % 5 == 0) {
                    tcp.send(Envelopes.v1Log("quiet", "q-" + i / 5));
                }
            }
            tcp.flush();
        }
        String dropped = "doppler_log_rate_limit_dropped_total{app=\"noisy\"}";
        await().atMost(WAIT).until(() -> lines(link, "noisy", "n-").size() + doppler.metric(dropped) == noisy);
        await().atMost(WAIT).until(() -> lines(link, "quiet", "q-").size() == quiet);

        int delivered = lines(link, "noisy", "n-").size();
        // 1000 bytes a second, 102-byte lines: the bucket (less what the probes took) passes at most 9 at once
        assertTrue(delivered > 0 && delivered < noisy / 2, "about a second's worth passed, the rest did not: " + delivered);
        assertEquals(noisy - delivered, doppler.metric("doppler_dropped_envelopes_total{reason=\"log_rate_limit\"}"));
        List<Envelope> notices = lines(link, "noisy", NOTICE);
        assertTrue(notices.size() >= 1, "the noisy app is told in its own stream");
        assertEquals(notices.size(), doppler.metric("doppler_log_rate_limit_exceeded_total"), "once per overage");
        Envelope notice = notices.get(0);
        assertEquals("APP/PROC/WEB", notice.getLogMessage().getSourceType());
        assertEquals("0", notice.getLogMessage().getSourceInstance());
        assertTrue(lines(link, "quiet", NOTICE).isEmpty(), "the quiet app is told nothing");
        assertEquals(0, doppler.metric("doppler_log_rate_limit_dropped_total{app=\"quiet\"}"));
        assertEquals(noisy - delivered,
                doppler.metric("doppler_app_dropped_envelopes_total{app=\"noisy\",reason=\"log_rate_limit\"}"));
        // the instance's log_rate and log_rate_limit gauges, as a cell reports them (ValueMetrics for v1 readers)
        await().atMost(WAIT).until(() -> link.envelopesTagged("noisy").stream().anyMatch(e -> e.hasValueMetric()
                && e.getValueMetric().getName().equals("log_rate_limit") && e.getValueMetric().getValue() == 1000
                && e.getValueMetric().getUnit().equals("B/s")));
        assertTrue(link.envelopesTagged("noisy").stream().anyMatch(e -> e.hasValueMetric()
                && e.getValueMetric().getName().equals("log_rate") && e.getValueMetric().getUnit().equals("B/s")));
        link.closeBlocking();
    }

    private static List<Envelope> lines(BatchSubscriber link, String app, String prefix) {
        return link.envelopesTagged(app).stream()
                .filter(e -> e.hasLogMessage() && Envelopes.text(e).startsWith(prefix))
                .toList();
    }
}
