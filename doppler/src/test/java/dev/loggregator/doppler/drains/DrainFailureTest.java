package dev.loggregator.doppler.drains;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.doppler.support.BatchSubscriber;
import dev.loggregator.doppler.support.Envelopes;
import dev.loggregator.doppler.support.GrpcSender;
import dev.loggregator.doppler.support.HttpsReceiver;
import dev.loggregator.doppler.support.SyslogReceiver;
import dev.loggregator.doppler.support.TestCertificates;
import dev.loggregator.testsupport.DeadPort;
import dev.loggregator.testsupport.DopplerNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.cloudfoundry.dropsonde.events.EventFactory;
import org.cloudfoundry.dropsonde.events.LogFactory.LogMessage;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drains whose receivers fail (an https receiver answering 500, a syslog receiver resetting every
 * connection, one that stops reading, a port nobody listens on) lose messages alone: each counts
 * its drops and errors, tells the app's developer in the app's stream ({@code [LGR/0] ERR <N>
 * messages lost for application ...}, {@code Failed to connect to ...}), while a healthy drain of
 * another app, a firehose reader and the ingress lose nothing.
 */
class DrainFailureTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String HEALTHY = "app-healthy";
    private static final String FIVE_HUNDRED = "app-500";
    private static final String RESETTING = "app-reset";
    private static final String STALLED = "app-stalled";
    private static final String UNREACHABLE = "app-unreachable";
    private static final List<String> APPS = List.of(HEALTHY, FIVE_HUNDRED, RESETTING, STALLED, UNREACHABLE);
    private static final int PER_APP = 10_000;
    private static final int BATCH = 100;
    private static final Pattern LOST = Pattern.compile("(\\d+) messages lost for application (\\S+) in user provided"
            + " syslog drain with url (\\S+)");

    @TempDir
    Path dir;

    @Test
    void brokenReceiversCostTheirOwnDrainsAloneAndTheirDevelopersAreTold() {
        TestCertificates certs = TestCertificates.create(dir);
        try (SyslogReceiver healthy = SyslogReceiver.plain();
             HttpsReceiver fiveHundred = new HttpsReceiver(certs);
             SyslogReceiver resetting = SyslogReceiver.plain();
             SyslogReceiver stalled = SyslogReceiver.plain();
             DeadPort unreachable = new DeadPort()) {
            fiveHundred.answer(500);
            resetting.resetOnAccept(true);
            stalled.stall();
            String bindings = binding(HEALTHY, healthy.url("syslog")) + ","
                    + binding(FIVE_HUNDRED, fiveHundred.url("https", "/logs")) + ","
                    + binding(RESETTING, resetting.url("syslog")) + ","
                    + binding(STALLED, stalled.url("syslog")) + ","
                    + binding(UNREACHABLE, "syslog://127.0.0.1:" + unreachable.port());
            try (DopplerNode doppler = DopplerNode.builder().name("drain-failures")
                    .set("metrics_interval_seconds", 3600)
                    .set("syslog_drains", "{allow_loopback: true, trusted_ca: '" + certs.caCert + "', buffer_size: 500,"
                            + " write_timeout_ms: 1000, request_timeout_ms: 1000, max_retries: 3, max_backoff_ms: 200,"
                            + " notice_interval_seconds: 1, bindings: [" + bindings + "]}")
                    .start();
                 GrpcSender grpc = GrpcSender.plaintext(doppler.grpcPort())) {
                BatchSubscriber firehose = BatchSubscriber.connect(doppler.wsUrl("/firehose/reader"));
                String padding = "x".repeat(1000);
                for (int sent = 0; sent < PER_APP; sent += BATCH) {
                    List<Envelope> batch = new ArrayList<>();
                    for (int i = sent; i < sent + BATCH; i++) {
                        for (String app : APPS) {
                            batch.add(Envelopes.v2Log(app, app + " line " + i + " " + padding));
                        }
                    }
                    grpc.send(batch);
                    int perApp = sent + BATCH;
                    if (perApp % (2 * BATCH) == 0) {
                        // Neither the firehose reader nor the healthy drain's burst capacity is what this test is
                        // about: keep both well within their queues (the drain's holds 500), as steady traffic would.
                        int delivered = perApp * APPS.size();
                        awaitOrExplain(doppler, Duration.ofMillis(5), () ->
                                sentLines(firehose) >= delivered - 5000 && healthy.count() >= perApp - 2 * BATCH);
                    }
                }
                awaitOrExplain(doppler, () -> sentLines(firehose) == PER_APP * APPS.size());
                awaitOrExplain(doppler, () -> healthy.count() == PER_APP);
                List<String> received = healthy.messages();
                for (int i = 0; i < PER_APP; i++) {
                    assertTrue(received.get(i).contains(" " + HEALTHY + " line " + i + " "), "in order: " + i);
                }
                assertEquals(0, firehose.count(e -> isNotice(e, HEALTHY)), "the healthy drain lost nothing");
                assertEquals(0, doppler.metric(drainMetric("dropped", HEALTHY, healthy.url("syslog"))));
                assertEquals(0, doppler.metric("doppler_dropped_envelopes_total{reason=\"ingress_shed\"}"));

                for (String app : List.of(FIVE_HUNDRED, RESETTING, STALLED, UNREACHABLE)) {
                    awaitOrExplain(doppler, () -> firehose.count(e -> isNotice(e, app)) > 0);
                }
                String stalledUrl = stalled.url("syslog");
                awaitOrExplain(doppler, () -> doppler.metric(drainMetric("dropped", STALLED, stalledUrl)) > 0
                        && announced(firehose, STALLED) == (long) doppler.metric(drainMetric("dropped", STALLED, stalledUrl)));
                assertTrue(doppler.metric(drainMetric("dropped", FIVE_HUNDRED, fiveHundred.url("https", "/logs"))) > 0);
                assertTrue(doppler.metric(drainMetric("errors", FIVE_HUNDRED, fiveHundred.url("https", "/logs"))) > 0);
                assertTrue(fiveHundred.attempts() > 0);
                assertTrue(doppler.metric(drainMetric("errors", RESETTING, resetting.url("syslog"))) > 0);
                assertTrue(resetting.connections() > 1, "reconnected after resets");
                assertEquals(0, healthy.count() - PER_APP, "nothing twice");

                EventFactory.Envelope notice = firehose.envelopes(e -> isNotice(e, FIVE_HUNDRED)).get(0);
                LogMessage log = notice.getLogMessage();
                assertEquals(LogMessage.MessageType.ERR, log.getMessageType());
                assertEquals("LGR", log.getSourceType());
                assertEquals("0", log.getSourceInstance());
                assertEquals(FIVE_HUNDRED, log.getAppId());
                Matcher lost = LOST.matcher(Envelopes.text(notice));
                assertTrue(lost.matches(), Envelopes.text(notice));
                assertEquals(fiveHundred.url("https", "/logs"), lost.group(3));
                String failedToConnect = "Failed to connect to syslog://127.0.0.1:" + unreachable.port();
                awaitOrExplain(doppler, () -> firehose.count(e -> e.hasLogMessage()
                        && failedToConnect.equals(Envelopes.text(e)) && e.getLogMessage().getAppId().equals(UNREACHABLE)) > 0);
                firehose.close();
            }
        }
    }

    private static String binding(String app, String url) {
        return "{app_id: " + app + ", hostname: org.space." + app + ", url: '" + url + "'}";
    }

    private static String drainMetric(String name, String app, String url) {
        return "doppler_syslog_drain_" + name + "_total{app_id=\"" + app + "\",drain_url=\"" + url + "\",scope=\"app\"}";
    }

    private static long sentLines(BatchSubscriber firehose) {
        return firehose.count(e -> e.hasLogMessage() && !e.getLogMessage().getSourceType().equals("LGR"));
    }

    private static boolean isNotice(EventFactory.Envelope envelope, String app) {
        return envelope.hasLogMessage() && envelope.getLogMessage().getSourceType().equals("LGR")
                && envelope.getLogMessage().getAppId().equals(app) && LOST.matcher(Envelopes.text(envelope)).matches();
    }

    /** Messages the notices of {@code app} say were lost, summed. */
    private static long announced(BatchSubscriber firehose, String app) {
        long sum = 0;
        for (EventFactory.Envelope notice : firehose.envelopes(e -> isNotice(e, app))) {
            Matcher m = LOST.matcher(Envelopes.text(notice));
            if (m.matches()) {
                sum += Long.parseLong(m.group(1));
            }
        }
        return sum;
    }

    private static void awaitOrExplain(DopplerNode doppler, java.util.concurrent.Callable<Boolean> condition) {
        awaitOrExplain(doppler, Duration.ofMillis(100), condition);
    }

    private static void awaitOrExplain(DopplerNode doppler, Duration poll, java.util.concurrent.Callable<Boolean> condition) {
        try {
            await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(poll).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Doppler metrics:\n" + doppler.metricsText(), e);
        }
    }
}
