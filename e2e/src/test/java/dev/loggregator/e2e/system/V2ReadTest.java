package dev.loggregator.e2e.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.loggregator.e2e.deployment.LoopbackDeployment;
import dev.loggregator.e2e.ingress.V2Envelopes;
import dev.loggregator.e2e.support.FirehoseOutput;
import dev.loggregator.e2e.support.LogsCli;
import dev.loggregator.e2e.tls.DevCertificate;
import dev.loggregator.wire.ingress.V2IngressClient;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.EnvelopeBatch;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Log;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The v2 read API end to end: envelopes sent to a Doppler's v2 ingress come out of {@code GET /v2/read}
 * through the gateway (TLS, gzip on) field for field, as a stream that is not held back; {@code logs
 * tail --v2} through the gateway, across the stream lifetime's {@code closing}; and two
 * {@code logs firehose --v2} processes on two Traffic Controllers sharing one shard id.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class V2ReadTest {
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    /** Short, so that the tests see heartbeats and the stream lifetime's end. */
    private static final int HEARTBEAT_SECONDS = 1;
    /** Long enough for the first test to read its envelopes within one stream lifetime on a busy machine. */
    private static final int STREAM_TIMEOUT_SECONDS = 20;
    private static final Pattern CF_LINE = Pattern.compile(
            "^   \\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{2}[+-]\\d{4} \\[APP/PROC/WEB/0\\] (OUT|ERR) (.*)$");

    private LoopbackDeployment deployment;
    private Path viaGateway;
    private Path onTc0;
    private Path onTc1;

    @BeforeAll
    void start(@TempDir Path dir) {
        deployment = LoopbackDeployment.in(dir).dopplers(1).trafficControllers(2).gatewayWithTls()
                .trafficController("v2: {heartbeat_seconds: " + HEARTBEAT_SECONDS + ", stream_timeout_seconds: " + STREAM_TIMEOUT_SECONDS + "}")
                .gateway("gzip: {enabled: true, min_bytes: 0}")
                .start();
        String token = deployment.token("operator", "doppler.firehose", "doppler.admin");
        viaGateway = dir.resolve("logs-gateway.json");
        LogsCli.configure(viaGateway, "target", deployment.endpoint().toString(), "--ca", deployment.certificate().toString());
        LogsCli.configure(viaGateway, "token", token);
        onTc0 = dir.resolve("logs-tc0.json");
        LogsCli.configure(onTc0, "target", deployment.trafficController(0).toString());
        LogsCli.configure(onTc0, "token", token);
        onTc1 = dir.resolve("logs-tc1.json");
        LogsCli.configure(onTc1, "target", deployment.trafficController(1).toString());
        LogsCli.configure(onTc1, "token", token);
    }

    @AfterAll
    void stop() {
        if (deployment != null) {
            deployment.close();
        }
    }

    private static long now() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    @Test
    void v2InComesOutOfTheGatewaysV2ReadFieldForFieldAsAnUnbufferedEventStream() throws Exception {
        String app = UUID.randomUUID().toString();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(DevCertificate.trusting(deployment.certificate())).connectTimeout(Duration.ofSeconds(10)).build();
        URI read = URI.create("https://127.0.0.1:" + deployment.endpoint().getPort()
                + "/v2/read?source_id=" + app + "&log&counter&gauge&timer&event");
        try (EventStream gzipped = EventStream.open(http, read, deployment.operator(), true);
             EventStream plain = EventStream.open(http, read, deployment.operator(), false)) {
            assertEquals("gzip", gzipped.contentEncoding, "the gateway compresses the stream for a client that asks");
            assertEquals("", plain.contentEncoding);
            for (EventStream stream : List.of(gzipped, plain)) {
                assertEquals("text/event-stream", stream.contentType);
                // A heartbeat is a few dozen bytes: it gets through only if nothing on the way holds the stream back.
                await().atMost(PATIENCE).until(() -> stream.lines.contains("event: heartbeat"));
            }
            V2IngressClient ingress = deployment.ingress(0);
            String warm = "warm-" + app;
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(300)).until(() -> {
                ingress.send(V2Envelopes.log(app, "0", "APP/PROC/WEB", Log.Type.OUT, warm, now()));
                ingress.flush();
                return gzipped.envelopes().stream().anyMatch(e -> e.getLog().getPayload().toStringUtf8().equals(warm))
                        && plain.envelopes().stream().anyMatch(e -> e.getLog().getPayload().toStringUtf8().equals(warm));
            });
            List<Envelope> sent = List.of(
                    V2Envelopes.log(app, "0", "APP/PROC/WEB", Log.Type.ERR, "caf\u00e9 \"quoted\"\nsecond line", now()),
                    V2Envelopes.containerMetric(app, 1, 12.5, 1L << 20, 1L << 22, now()),
                    V2Envelopes.counter(app, "requests", 3, 42, now()),
                    Envelope.newBuilder(V2Envelopes.counter(app, "tagged", 1, 1, now())).putTags("custom", "tag").setInstanceId("7").build());
            ingress.send(sent);
            ingress.flush();
            for (EventStream stream : List.of(gzipped, plain)) {
                await().atMost(PATIENCE).untilAsserted(() -> assertTrue(stream.envelopes().containsAll(sent),
                        "every envelope sent comes out equal, field for field; the stream's last lines: "
                                + stream.lines.subList(Math.max(0, stream.lines.size() - 6), stream.lines.size())));
            }
        }
    }

    @Test
    void logsTailV2ThroughTheGatewayShowsEveryLineInOrderAndOutlivesTheStreamLifetime() {
        String app = UUID.randomUUID().toString();
        V2IngressClient ingress = deployment.ingress(0);
        try (LogsCli tail = LogsCli.start(viaGateway, "tail", app, "--v2")) {
            await().atMost(PATIENCE).until(() -> {
                ingress.send(V2Envelopes.log(app, "0", "APP/PROC/WEB", Log.Type.OUT, "warm-up", now()));
                ingress.flush();
                return messages(tail).contains("OUT warm-up");
            });
            assertTrue(tail.stderr().stream().anyMatch(l -> l.contains("(v2 read API), tailing logs for app " + app)), tail::toString);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                boolean err = i % 10 == 9;
                ingress.send(V2Envelopes.log(app, "0", "APP/PROC/WEB", err ? Log.Type.ERR : Log.Type.OUT, "line " + i, now()));
                expected.add((err ? "ERR " : "OUT ") + "line " + i);
            }
            ingress.flush();
            await().atMost(PATIENCE).until(() -> lines(tail).size() >= expected.size());
            assertEquals(expected, lines(tail), "every line once, in the order one sender wrote them; output:\n" + tail);

            // The Traffic Controller ends every v2 stream after its lifetime; the CLI reads on, as go-loggregator does.
            await().atMost(PATIENCE).until(() -> tail.stderr().stream().anyMatch(l -> l.contains("the server ended the stream")));
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> {
                ingress.send(V2Envelopes.log(app, "0", "APP/PROC/WEB", Log.Type.OUT, "after closing", now()));
                ingress.flush();
                return messages(tail).contains("OUT after closing");
            });
            assertTrue(tail.isAlive(), tail::toString);
        }
    }

    @Test
    void twoFirehoseV2ProcessesOnTwoTrafficControllersShareAShardIdAndAnotherIdGetsAll() {
        String app = UUID.randomUUID().toString();
        String shard = "cli-v2-shared-" + app;
        V2IngressClient ingress = deployment.ingress(0);
        try (LogsCli a = LogsCli.start(onTc0, "firehose", "--v2", "--filter", "logs", "--subscription-id", shard);
             LogsCli b = LogsCli.start(onTc1, "firehose", "--v2", "--filter", "logs", "--subscription-id", shard);
             LogsCli other = LogsCli.start(onTc0, "firehose", "--v2", "--filter", "logs", "--subscription-id", "cli-v2-other-" + app)) {
            String warm = "warm-" + app;
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(300)).until(() -> {
                ingress.send(V2Envelopes.log(warm, "0", "APP/PROC/WEB", Log.Type.OUT, "warm-up", now()));
                ingress.flush();
                return !FirehoseOutput.messages(a.stdout(), warm).isEmpty() && !FirehoseOutput.messages(b.stdout(), warm).isEmpty()
                        && !FirehoseOutput.messages(other.stdout(), warm).isEmpty();
            });
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                ingress.send(V2Envelopes.log(app, "0", "APP/PROC/WEB", Log.Type.OUT, "line " + i, now()));
                expected.add("line " + i);
            }
            ingress.flush();
            await().atMost(PATIENCE).until(() -> FirehoseOutput.messages(a.stdout(), app).size()
                    + FirehoseOutput.messages(b.stdout(), app).size() >= expected.size()
                    && FirehoseOutput.messages(other.stdout(), app).size() >= expected.size());
            List<String> union = new ArrayList<>(FirehoseOutput.messages(a.stdout(), app));
            union.addAll(FirehoseOutput.messages(b.stdout(), app));
            assertEquals(sorted(expected), sorted(union), "each line printed by exactly one of the two processes sharing the shard id");
            assertFalse(FirehoseOutput.messages(a.stdout(), app).isEmpty() || FirehoseOutput.messages(b.stdout(), app).isEmpty(),
                    "both get a share");
            assertEquals(sorted(expected), sorted(FirehoseOutput.messages(other.stdout(), app)), "another shard id prints every line once");
            assertEquals(expected.size(), new HashSet<>(FirehoseOutput.messages(other.stdout(), app)).size());
        }
    }

    private static List<String> messages(LogsCli tail) {
        List<String> messages = new ArrayList<>();
        for (String line : tail.stdout()) {
            Matcher m = CF_LINE.matcher(line);
            if (m.matches()) {
                messages.add(m.group(1) + " " + m.group(2));
            }
        }
        return messages;
    }

    private static List<String> lines(LogsCli tail) {
        return messages(tail).stream().filter(m -> m.startsWith("OUT line ") || m.startsWith("ERR line ")).toList();
    }

    private static List<String> sorted(List<String> texts) {
        return texts.stream().sorted().toList();
    }

    /**
     * A gunzipping stream says 1 byte is always available, which makes a line reader over it block
     * until it has filled its 8 KB buffer: hiding that lets each event through as it is inflated.
     */
    private static final class NothingAvailable extends FilterInputStream {
        NothingAvailable(InputStream in) {
            super(in);
        }

        @Override
        public int available() {
            return 0;
        }
    }

    /** One {@code /v2/read} response read line by line on its own thread, gunzipped when the gateway compressed it. */
    private static final class EventStream implements AutoCloseable {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final String contentType;
        final String contentEncoding;
        private final InputStream body;
        private final Thread reader;

        private EventStream(HttpResponse<InputStream> response) throws IOException {
            contentType = response.headers().firstValue("Content-Type").orElse("");
            contentEncoding = response.headers().firstValue("Content-Encoding").orElse("");
            body = response.body();
            InputStream in = contentEncoding.equals("gzip") ? new NothingAvailable(new GZIPInputStream(body)) : body;
            reader = new Thread(() -> {
                try (BufferedReader lineReader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String line; (line = lineReader.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    lines.add("closed: " + e);
                }
            }, "v2-read-test");
            reader.setDaemon(true);
            reader.start();
        }

        static EventStream open(HttpClient http, URI uri, String authorization, boolean gzip) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Authorization", authorization)
                    .header("Accept", "text/event-stream");
            if (gzip) {
                request.header("Accept-Encoding", "gzip");
            }
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            return new EventStream(response);
        }

        /** The envelopes of every batch so far, each batch parsed strictly as go-loggregator parses it. */
        List<Envelope> envelopes() throws InvalidProtocolBufferException {
            List<Envelope> envelopes = new ArrayList<>();
            for (String line : lines) {
                if (line.startsWith("data: {")) {
                    EnvelopeBatch.Builder batch = EnvelopeBatch.newBuilder();
                    JsonFormat.parser().merge(line.substring("data: ".length()), batch);
                    envelopes.addAll(batch.getBatchList());
                }
            }
            return envelopes;
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }
}
