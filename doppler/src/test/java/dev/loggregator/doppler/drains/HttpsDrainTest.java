package dev.loggregator.doppler.drains;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.doppler.support.Envelopes;
import dev.loggregator.doppler.support.GrpcSender;
import dev.loggregator.doppler.support.HttpsReceiver;
import dev.loggregator.doppler.support.TestCertificates;
import dev.loggregator.testsupport.DopplerNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * https:// and https-batch:// drains against a real HTTPS receiver (the JDK's server with a
 * certificate of the test CA, which the Doppler trusts through {@code trusted_ca}): one message per
 * POST, or many concatenated per POST, text/plain, basic auth from the URL, in order; an aggregate
 * drain gets every app's envelopes, metrics too when its URL asks.
 */
class HttpsDrainTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SINGLE_APP = "app-https";
    private static final String BATCH_APP = "app-https-batch";
    private static final int LINES = 300;

    @TempDir
    Path dir;

    @Test
    void eachMessageIsOnePostOrManyInABatch() {
        TestCertificates certs = TestCertificates.create(dir);
        try (HttpsReceiver receiver = new HttpsReceiver(certs);
             DopplerNode doppler = DopplerNode.builder().name("https-drains")
                     .set("metrics_interval_seconds", 3600)
                     .set("syslog_drains", "{allow_loopback: true, trusted_ca: '" + certs.caCert + "', batch_interval_ms: 200,"
                             + " bindings: [{app_id: " + SINGLE_APP + ", hostname: o.s.single,"
                             + " url: '" + receiver.url("https", "/single?token=abc").replace("https://", "https://drain-user:s3cret@") + "'},"
                             + "{app_id: " + BATCH_APP + ", hostname: o.s.batch, url: '" + receiver.url("https-batch", "/batch") + "'}],"
                             + " aggregate: [{url: '" + receiver.url("https-batch", "/aggregate?include-metrics-deprecated=true") + "'}]}")
                     .start();
             GrpcSender grpc = GrpcSender.plaintext(doppler.grpcPort())) {
            List<Envelope> batch = new ArrayList<>();
            for (int i = 0; i < LINES; i++) {
                batch.add(Envelopes.v2Log(SINGLE_APP, "single " + i));
                batch.add(Envelopes.v2Log(BATCH_APP, "batched " + i));
            }
            batch.add(Envelopes.v2Counter(SINGLE_APP, "requests", 7));
            grpc.send(batch);
            await().atMost(WAIT).until(() -> count(receiver, "/single") >= LINES && count(receiver, "/batch") >= LINES
                    && count(receiver, "/aggregate") >= 2 * LINES + 1);

            List<HttpsReceiver.Request> singles = receiver.requests().stream().filter(r -> r.path().startsWith("/single")).toList();
            assertEquals(LINES, singles.size(), "one POST per message");
            for (int i = 0; i < LINES; i++) {
                HttpsReceiver.Request request = singles.get(i);
                assertEquals("POST", request.method());
                assertEquals("/single?token=abc", request.path());
                assertEquals("text/plain", request.contentType());
                assertEquals("Basic " + Base64.getEncoder().encodeToString("drain-user:s3cret".getBytes(StandardCharsets.UTF_8)),
                        request.authorization());
                assertTrue(request.body().matches("<14>1 \\S+ o\\.s\\.single " + SINGLE_APP
                        + " \\[APP/PROC/WEB/1\\] - \\[tags@47450 source_type=\"APP/PROC/WEB\"\\] single " + i + "\n"), request.body());
            }
            List<HttpsReceiver.Request> batches = receiver.requests().stream().filter(r -> r.path().equals("/batch")).toList();
            assertTrue(batches.size() < LINES, "messages share POSTs: " + batches.size() + " POSTs");
            List<String> batched = new ArrayList<>();
            for (HttpsReceiver.Request request : batches) {
                assertEquals(null, request.authorization());
                for (String line : request.body().split("\n")) {
                    batched.add(line.substring(line.lastIndexOf("] ") + 2));
                }
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < LINES; i++) {
                expected.add("batched " + i);
            }
            assertEquals(expected, batched, "every message once, in order, each ending in a newline");

            List<String> aggregated = receiver.requests().stream().filter(r -> r.path().startsWith("/aggregate"))
                    .flatMap(r -> List.of(r.body().split("\n")).stream()).toList();
            assertEquals(2 * LINES + 1, aggregated.size(), "every app's envelopes, once");
            // An aggregate drain has no binding hostname: "-" unless the envelope's tags name its app.
            assertEquals(LINES, aggregated.stream().filter(line -> line.contains(" - " + BATCH_APP + " [APP/PROC/WEB/1] ")).count());
            assertTrue(aggregated.stream().anyMatch(line -> line.endsWith(" - " + SINGLE_APP
                    + " [] - [counter@47450 name=\"requests\" total=\"0\" delta=\"7\"] ")), "the counter too");
        }
    }

    private static long count(HttpsReceiver receiver, String pathPrefix) {
        return receiver.requests().stream().filter(r -> r.path().startsWith(pathPrefix))
                .mapToLong(r -> r.body().chars().filter(c -> c == '\n').count()).sum();
    }
}
