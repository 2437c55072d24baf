package dev.loggregator.doppler.drains;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import dev.loggregator.doppler.support.Envelopes;
import dev.loggregator.doppler.support.GrpcSender;
import dev.loggregator.doppler.support.Rsyslog;
import dev.loggregator.doppler.support.TcpSender;
import dev.loggregator.doppler.support.TestCertificates;
import dev.loggregator.testsupport.DopplerNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Counter;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Event;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Gauge;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.GaugeValue;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Timer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Doppler writes syslog drains to a real rsyslog daemon, over octet-counted TCP and over
 * TLS: everything sent through the v2 ingress arrives, in order per instance, and rsyslog parses
 * each message into the PRI, hostname, app-name, procid and structured data the agent would have
 * written; the raw messages of a log and of every metric type are the agent's golden lines.
 * Skipped, saying why, only where rsyslog is missing and cannot be installed.
 */
class RsyslogDrainTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PLAIN_APP = "11111111-2222-3333-4444-555555555555";
    private static final String TLS_APP = "66666666-7777-8888-9999-000000000000";
    private static final String GOLDEN_APP = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    private static final String V1_APP = "12121212-3434-5656-7878-909090909090";
    private static final Pattern SEQUENCE = Pattern.compile("instance (\\d+) line (\\d+)");

    @TempDir
    static Path dir;
    private static Rsyslog rsyslog;
    private static DopplerNode doppler;

    @BeforeAll
    static void start() {
        Optional<String> unavailable = Rsyslog.unavailable();
        assumeTrue(unavailable.isEmpty(), () -> "SKIPPED: no rsyslog for the syslog drain end-to-end test: " + unavailable.get());
        TestCertificates certs = TestCertificates.create(dir.resolve("certs"));
        rsyslog = Rsyslog.start(dir.resolve("rsyslog"), certs);
        String plain = "syslog://127.0.0.1:" + rsyslog.plainPort();
        String tls = "syslog-tls://127.0.0.1:" + rsyslog.tlsPort();
        doppler = DopplerNode.builder().name("rsyslog-drains")
                .set("metrics_interval_seconds", 3600)
                .set("syslog_drains", "{allow_loopback: true, trusted_ca: '" + certs.caCert + "', bindings: ["
                        + "{app_id: " + PLAIN_APP + ", hostname: plain-org.dev.plain-app, url: '" + plain + "'},"
                        + "{app_id: " + TLS_APP + ", hostname: unused.because.tags, url: '" + tls + "'},"
                        + "{app_id: " + GOLDEN_APP + ", hostname: golden-org.dev.golden, url: '" + tls + "/?drain-data=all'},"
                        + "{app_id: " + V1_APP + ", hostname: v1.dev.app, url: '" + plain + "'}]}")
                .start();
    }

    @AfterAll
    static void stop() {
        if (doppler != null) {
            doppler.close();
        }
        if (rsyslog != null) {
            rsyslog.close();
        }
    }

    @Test
    void everyLineArrivesParsedAndInOrderPerInstanceOverTcpAndTls() {
        int instances = 3;
        int perInstance = 1000;
        try (GrpcSender grpc = GrpcSender.plaintext(doppler.grpcPort())) {
            List<List<Envelope>> batches = new ArrayList<>();
            List<Envelope> batch = new ArrayList<>();
            for (int line = 0; line < perInstance; line++) {
                for (int instance = 0; instance < instances; instance++) {
                    Log.Type type = line % 10 == 9 ? Log.Type.ERR : Log.Type.OUT;
                    String text = "instance " + instance + " line " + line;
                    batch.add(appLog(PLAIN_APP, instance, type, text).build());
                    batch.add(appLog(TLS_APP, instance, type, text)
                            .putTags("organization_name", "the org").putTags("space_name", "dev")
                            .putTags("app_name", "tls_app").build());
                    if (batch.size() == 100) {
                        batches.add(batch);
                        batch = new ArrayList<>();
                    }
                }
            }
            batches.add(batch);
            grpc.batchSender(batches);
        }
        int expected = instances * perInstance;
        await().atMost(WAIT).until(() -> of(rsyslog.plain(), PLAIN_APP).size() >= expected
                && of(rsyslog.tls(), TLS_APP).size() >= expected);
        check(of(rsyslog.plain(), PLAIN_APP), PLAIN_APP, "plain-org.dev.plain-app", instances, perInstance);
        check(of(rsyslog.tls(), TLS_APP), TLS_APP, "the-org.dev.tlsapp", instances, perInstance);
        assertEquals(expected, of(rsyslog.plain(), PLAIN_APP).size(), "nothing twice");
        assertEquals(expected, doppler.metric("doppler_syslog_drain_sent_total{app_id=\"" + PLAIN_APP
                + "\",drain_url=\"syslog://127.0.0.1:" + rsyslog.plainPort() + "\",scope=\"app\"}"));
        assertEquals(0, doppler.metric("doppler_syslog_drain_dropped_total{app_id=\"" + TLS_APP
                + "\",drain_url=\"syslog-tls://127.0.0.1:" + rsyslog.tlsPort() + "\",scope=\"app\"}"));
        assertEquals(1, doppler.metric("doppler_syslog_drain_connected{app_id=\"" + TLS_APP
                + "\",drain_url=\"syslog-tls://127.0.0.1:" + rsyslog.tlsPort() + "\",scope=\"app\"}"));
    }

    private static List<Rsyslog.Parsed> of(List<Rsyslog.Parsed> messages, String app) {
        return messages.stream().filter(m -> m.appName().equals(app)).toList();
    }

    private static Envelope.Builder appLog(String app, int instance, Log.Type type, String text) {
        return Envelope.newBuilder()
                .setTimestamp(System.currentTimeMillis() * 1_000_000L)
                .setSourceId(app)
                .setInstanceId(Integer.toString(instance))
                .putTags("source_type", "APP/PROC/WEB")
                .putTags("app_id", app)
                .setLog(Log.newBuilder().setPayload(ByteString.copyFromUtf8(text)).setType(type));
    }

    private static void check(List<Rsyslog.Parsed> messages, String app, String hostname, int instances, int perInstance) {
        Map<String, Integer> next = new HashMap<>();
        for (Rsyslog.Parsed message : messages) {
            Matcher m = SEQUENCE.matcher(message.msg());
            assertTrue(m.matches(), message.toString());
            String instance = m.group(1);
            int line = Integer.parseInt(m.group(2));
            assertEquals(next.getOrDefault(instance, 0), line, "in order, none lost, for instance " + instance);
            next.put(instance, line + 1);
            assertEquals(line % 10 == 9 ? 11 : 14, message.pri(), message.toString());
            assertEquals(hostname, message.hostname());
            assertEquals(app, message.appName());
            assertEquals("[APP/PROC/WEB/" + instance + "]", message.procId());
            assertEquals("-", message.msgId());
            assertTrue(message.structuredData().startsWith("[tags@47450 app_id=\"" + app + "\""), message.structuredData());
            assertTrue(message.structuredData().contains(" source_type=\"APP/PROC/WEB\""), message.structuredData());
        }
        for (int instance = 0; instance < instances; instance++) {
            assertEquals(perInstance, next.getOrDefault(Integer.toString(instance), 0), "instance " + instance);
        }
    }

    @Test
    void goldenLinesForALogAndEveryMetricType() {
        long time = 1_787_227_387_123_456_789L; // 2026-08-20T12:03:07.123456789Z
        String head = "1 2026-08-20T12:03:07.123456+00:00 ";
        try (GrpcSender grpc = GrpcSender.plaintext(doppler.grpcPort())) {
            grpc.send(List.of(
                    Envelope.newBuilder().setTimestamp(time).setSourceId(GOLDEN_APP).setInstanceId("2")
                            .putTags("source_type", "APP/PROC/WEB").putTags("organization_name", "my-org")
                            .putTags("space_name", "dev").putTags("app_name", "web")
                            .setLog(Log.newBuilder().setType(Log.Type.ERR)
                                    .setPayload(ByteString.copyFromUtf8("Listening on 8080 \"quoted\"\n"))).build(),
                    Envelope.newBuilder().setTimestamp(time).setSourceId(GOLDEN_APP).setInstanceId("2")
                            .putTags("origin", "rep")
                            .setGauge(Gauge.newBuilder()
                                    .putMetrics("memory", GaugeValue.newBuilder().setUnit("bytes").setValue(268435456).build())
                                    .putMetrics("cpu", GaugeValue.newBuilder().setUnit("percentage").setValue(0.42).build()))
                            .build(),
                    Envelope.newBuilder().setTimestamp(time).setSourceId(GOLDEN_APP).setInstanceId("2")
                            .setCounter(Counter.newBuilder().setName("requests").setDelta(3).setTotal(1042)).build(),
                    Envelope.newBuilder().setTimestamp(time).setSourceId(GOLDEN_APP).setInstanceId("2")
                            .putTags("peer_type", "Server")
                            .setTimer(Timer.newBuilder().setName("http").setStart(1_787_227_387_000_000_000L)
                                    .setStop(1_787_227_387_004_000_000L)).build(),
                    Envelope.newBuilder().setTimestamp(time).setSourceId(GOLDEN_APP).setInstanceId("2")
                            .setEvent(Event.newBuilder().setTitle("app.crash").setBody("exited [status 137]")).build()));
        }
        List<String> expected = List.of(
                "<11>" + head + "my-org.dev.web " + GOLDEN_APP + " [APP/PROC/WEB/2] - [tags@47450 app_name=\"web\""
                        + " organization_name=\"my-org\" source_type=\"APP/PROC/WEB\" space_name=\"dev\"] Listening on 8080 \"quoted\"",
                "<14>" + head + "golden-org.dev.golden " + GOLDEN_APP + " [2] - [gauge@47450 name=\"cpu\" value=\"0.42\""
                        + " unit=\"percentage\"][tags@47450 origin=\"rep\"] ",
                "<14>" + head + "golden-org.dev.golden " + GOLDEN_APP + " [2] - [gauge@47450 name=\"memory\""
                        + " value=\"2.68435456e+08\" unit=\"bytes\"][tags@47450 origin=\"rep\"] ",
                "<14>" + head + "golden-org.dev.golden " + GOLDEN_APP + " [2] - [counter@47450 name=\"requests\""
                        + " total=\"1042\" delta=\"3\"] ",
                "<14>" + head + "golden-org.dev.golden " + GOLDEN_APP + " [2] - [timer@47450 name=\"http\""
                        + " start=\"1787227387000000000\" stop=\"1787227387004000000\"][tags@47450 peer_type=\"Server\"] ",
                "<14>" + head + "golden-org.dev.golden " + GOLDEN_APP + " [2] - [event@47450 title=\"app.crash\""
                        + " body=\"exited [status 137\\]\"] ");
        // rsyslog's %rawmsg% is the message as it came, without its final newline.
        await().atMost(WAIT).until(() -> golden().size() >= expected.size());
        assertEquals(expected, golden());
    }

    private static List<String> golden() {
        return rsyslog.tls().stream().filter(m -> m.appName().equals(GOLDEN_APP)).map(Rsyslog.Parsed::raw).toList();
    }

    @Test
    void dropsondeV1LogsReachTheirAppsDrainToo() throws Exception {
        try (TcpSender tcp = TcpSender.connect(doppler.tcpPort())) {
            tcp.send(Envelopes.v1Log(V1_APP, "from v1")).flush();
        }
        await().atMost(WAIT).until(() -> !of(rsyslog.plain(), V1_APP).isEmpty());
        Rsyslog.Parsed v1 = of(rsyslog.plain(), V1_APP).get(0);
        assertEquals("from v1", v1.msg());
        assertEquals("[APP/PROC/WEB/0]", v1.procId());
        assertEquals("v1.dev.app", v1.hostname());
        assertTrue(v1.structuredData().contains("__v1_type=\"LogMessage\"") && v1.structuredData().contains("origin=\"test\""),
                "tov2's tags: " + v1.structuredData());
    }
}
