package dev.loggregator.trafficcontroller.api;

import static dev.loggregator.testsupport.TestApps.guid;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.trafficcontroller.support.Cluster;
import dev.loggregator.trafficcontroller.support.Envelopes;
import dev.loggregator.trafficcontroller.support.FakeCloudController;
import dev.loggregator.trafficcontroller.support.Probes;
import dev.loggregator.trafficcontroller.support.StreamClient;
import dev.loggregator.trafficcontroller.support.Tokens;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope;
import org.cloudfoundry.dropsonde.events.EventFactory.Envelope.EventType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every endpoint of the v1 API against two real Doppler processes behind one Traffic Controller. */
class ApiEndpointsTest {
    private static final Tokens TOKENS = new Tokens();
    private static final String ADMIN = TOKENS.bearer(Duration.ofHours(1), "doppler.admin", "doppler.firehose");
    private static FakeCloudController cloudController;
    private static Cluster cluster;

    @BeforeAll
    static void start() throws IOException {
        Path pem = TOKENS.writePublicKeyPem(Files.createTempFile("jwt", ".pem"));
        cloudController = new FakeCloudController();
        cluster = Cluster.start(2, 1, """
                metrics_interval_seconds: 1
                auth:
                  jwt: {public_key_pem: %s}
                  cloud_controller: {url: "%s"}
                """.formatted(pem, cloudController.url()));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        cloudController.close();
    }

    @Test
    void appStreamCarriesEveryEnvelopeOfItsAppFromEveryDopplerOnePerFrame() throws Exception {
        StreamClient client = StreamClient.open(cluster.ws(0) + "/apps/" + guid("app-a") + "/stream", ADMIN);
        try {
            Probes.awaitFlowing(cluster, guid("app-a"), new int[] {0, 1}, client);
            cluster.emit(0, Envelopes.log(guid("app-a"), "a1"), Envelopes.log(guid("app-b"), "b1"), Envelopes.valueMetric("m", 1));
            cluster.emit(1, Envelopes.log(guid("app-a"), "a2"), Envelopes.containerMetric(guid("app-a"), 0, 1.5, 1));
            await().atMost(Duration.ofSeconds(20)).until(() -> client.texts().containsAll(List.of("a1", "a2")));
            await().atMost(Duration.ofSeconds(20)).until(() -> client.frames().stream()
                    .anyMatch(f -> Envelopes.parse(f).getEventType() == EventType.ContainerMetric));
            for (byte[] frame : client.frames()) {
                Envelope envelope = Envelopes.parse(frame);
                // One envelope per frame: the frame re-encodes to exactly its own bytes.
                assertEquals(frame.length, envelope.toByteArray().length);
                assertTrue(envelope.hasLogMessage() ? envelope.getLogMessage().getAppId().equals(guid("app-a"))
                        : envelope.getContainerMetric().getApplicationId().equals(guid("app-a")), envelope.toString());
            }
        } finally {
            client.closeBlocking();
        }
    }

    @Test
    void firehoseCarriesEverythingAndFilterTypesSplitLogsFromMetrics() throws Exception {
        StreamClient all = StreamClient.open(cluster.ws(0) + "/firehose/api-all", ADMIN);
        StreamClient logs = StreamClient.open(cluster.ws(0) + "/firehose/api-logs?filter-type=logs", ADMIN);
        StreamClient metrics = StreamClient.open(cluster.ws(0) + "/firehose/api-metrics?filter-type=metrics", ADMIN);
        try {
            Probes.awaitFlowing(cluster, guid("any-app"), new int[] {0, 1}, all, logs);
            // Self-metrics reach this client too: only a probe of each Doppler shows both links are open.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
                cluster.emit(0, Envelopes.valueMetric("probe-metric-0", 1));
                cluster.emit(1, Envelopes.valueMetric("probe-metric-1", 1));
                return names(metrics).containsAll(List.of("probe-metric-0", "probe-metric-1"));
            });
            cluster.emit(0, Envelopes.log(guid("fire-1"), "f1"), Envelopes.valueMetric("fm1", 1));
            cluster.emit(1, Envelopes.log(guid("fire-2"), "f2"), Envelopes.valueMetric("fm2", 2));
            await().atMost(Duration.ofSeconds(20)).until(() -> all.texts().containsAll(List.of("f1", "f2"))
                    && names(all).containsAll(List.of("fm1", "fm2")));
            await().atMost(Duration.ofSeconds(20)).until(() -> logs.texts().containsAll(List.of("f1", "f2"))
                    && names(metrics).containsAll(List.of("fm1", "fm2")));
            assertTrue(logs.frames().stream().allMatch(f -> Envelopes.parse(f).getEventType() == EventType.LogMessage));
            assertTrue(metrics.frames().stream().noneMatch(f -> Envelopes.parse(f).getEventType() == EventType.LogMessage));
        } finally {
            all.closeBlocking();
            logs.closeBlocking();
            metrics.closeBlocking();
        }
    }

    @Test
    void recentLogsMergesEveryDopplerAsMultipartThatAnIndependentParserReads() throws Exception {
        cluster.emit(0, Envelopes.log(guid("recent-app"), "r1"), Envelopes.log(guid("recent-app"), "r2"));
        cluster.emit(1, Envelopes.log(guid("recent-app"), "r3"), Envelopes.log(guid("other-app"), "x"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            HttpResponse<byte[]> response = Cluster.getBytes(cluster.http(0) + "/apps/" + guid("recent-app") + "/recentlogs",
                    "Authorization", ADMIN);
            assertEquals(200, response.statusCode());
            List<byte[]> parts = parseMultipart(response);
            List<String> texts = parts.stream().map(Envelopes::text).toList();
            assertEquals(3, texts.size(), texts.toString());
            assertTrue(texts.containsAll(List.of("r1", "r2", "r3")), texts.toString());
        });
        HttpResponse<byte[]> none = Cluster.getBytes(cluster.http(0) + "/apps/" + guid("no-such-app") + "/recentlogs", "Authorization", ADMIN);
        assertEquals(200, none.statusCode());
        assertEquals(0, parseMultipartAllowingEmpty(none).size());
    }

    @Test
    void recentLogsLimitKeepsTheNewestFromAllDopplersInTheOrderGathered() throws Exception {
        long base = System.currentTimeMillis() * 1_000_000L;
        List<byte[]> toDoppler0 = new ArrayList<>();
        List<byte[]> toDoppler1 = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            (i % 2 == 0 ? toDoppler0 : toDoppler1).add(Envelopes.log(guid("limit-app"), "l" + i, base + i * 1_000L));
        }
        // Doppler 1 gets its half newest first: the newest by timestamp are not the last to arrive.
        Collections.reverse(toDoppler1);
        cluster.emit(0, toDoppler0);
        cluster.emit(1, toDoppler1);
        String url = cluster.http(0) + "/apps/" + guid("limit-app") + "/recentlogs";
        List<String> all = await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> texts(parseMultipartAllowingEmpty(recentLogs(url))), texts -> texts.size() == 50);

        List<String> newest = texts(parseMultipart(recentLogs(url + "?limit=10")));
        assertEquals(IntStream.range(40, 50).mapToObj(i -> "l" + i).collect(Collectors.toSet()), Set.copyOf(newest));
        assertEquals(10, newest.size(), newest.toString());
        // Not re-sorted: the unlimited answer (Doppler by Doppler, each as retained) without its 40 oldest.
        assertEquals(all.stream().filter(newest::contains).toList(), newest);

        assertEquals(all, texts(parseMultipart(recentLogs(url + "?limit=1000"))));
        assertEquals(List.of(), parseMultipartAllowingEmpty(recentLogs(url + "?limit=0")));
    }

    @Test
    void aRecentLogsLimitThatIsNotANonNegativeIntegerIs400OnceAccessIsGranted() throws Exception {
        for (String bad : new String[] {"-1", "ten", "2.5", ""}) {
            HttpResponse<String> response = Cluster.get(cluster.http(0) + "/apps/" + guid("limit-app") + "/recentlogs?limit=" + bad,
                    "Authorization", ADMIN);
            assertEquals(400, response.statusCode(), bad);
            assertEquals("limit must be a non-negative integer\n", response.body());
        }
        assertEquals(401, Cluster.get(cluster.http(0) + "/apps/" + guid("limit-app") + "/recentlogs?limit=ten").statusCode());
        // containermetrics has no limit parameter (loggregator-v1-reference §2.5): it is ignored there
        assertEquals(200, Cluster.get(cluster.http(0) + "/apps/" + guid("limit-app") + "/containermetrics?limit=ten",
                "Authorization", ADMIN).statusCode());
    }

    @Test
    void containerMetricsKeepTheNewestPerInstanceAcrossDopplers() throws Exception {
        long now = System.currentTimeMillis() * 1_000_000L;
        cluster.emit(0, Envelopes.containerMetric(guid("cm-app"), 0, 10.0, now - 2_000_000_000L),
                Envelopes.containerMetric(guid("cm-app"), 1, 11.0, now - 1_000_000_000L));
        cluster.emit(1, Envelopes.containerMetric(guid("cm-app"), 0, 20.0, now - 500_000_000L),
                Envelopes.containerMetric(guid("cm-app"), 1, 21.0, now - 3_000_000_000L));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            HttpResponse<byte[]> response = Cluster.getBytes(cluster.http(0) + "/apps/" + guid("cm-app") + "/containermetrics",
                    "Authorization", ADMIN);
            assertEquals(200, response.statusCode());
            Map<Integer, Double> cpuByInstance = new HashMap<>();
            for (byte[] part : parseMultipart(response)) {
                Envelope envelope = Envelopes.parse(part);
                assertEquals(null, cpuByInstance.put(envelope.getContainerMetric().getInstanceIndex(),
                        envelope.getContainerMetric().getCpuPercentage()), "one metric per instance");
            }
            assertEquals(Map.of(0, 20.0, 1, 11.0), cpuByInstance);
        });
    }

    @Test
    void setCookieSetsTheAuthorizationCookieForTheDopplerDomainWithCors() throws Exception {
        String value = URLEncoder.encode(ADMIN, StandardCharsets.UTF_8);
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(cluster.http(0) + "/set-cookie"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", "https://console.example.com")
                .POST(HttpRequest.BodyPublishers.ofString("CookieName=authorization&CookieValue="
                        + URLEncoder.encode(value, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        String cookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.startsWith("authorization=" + value + ";"), cookie);
        assertTrue(cookie.contains("Domain=doppler.example.com"), cookie);
        assertTrue(cookie.contains("; Secure"), cookie);
        assertTrue(cookie.toLowerCase().contains("; httponly"), cookie);
        assertEquals("https://console.example.com", response.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertEquals("true", response.headers().firstValue("Access-Control-Allow-Credentials").orElseThrow());

        // The browser sends the cookie back on the WebSocket upgrade.
        Map<String, String> headers = Map.of("Cookie", "authorization=" + value);
        StreamClient client = StreamClient.openWithHeaders(cluster.ws(0) + "/apps/" + guid("cookie-app") + "/stream", headers);
        try {
            Probes.awaitFlowing(cluster, guid("cookie-app"), client);
        } finally {
            client.closeBlocking();
        }
    }

    @Test
    void plainHttpToAStreamPathIs400AndUnknownPathsAre404() throws Exception {
        assertEquals(400, Cluster.get(cluster.http(0) + "/apps/" + guid("x") + "/stream", "Authorization", ADMIN).statusCode());
        assertEquals(400, Cluster.get(cluster.http(0) + "/firehose/x", "Authorization", ADMIN).statusCode());
        HttpResponse<String> missing = Cluster.get(cluster.http(0) + "/nothing/here");
        assertEquals(404, missing.statusCode());
        assertEquals("404 page not found\n", missing.body());
    }

    @Test
    void theFirstPingComesRightAfterTheUpgradeNotAKeepaliveIntervalLater() throws Exception {
        // keepalive_seconds is the default 15 here: a ping within 10 s can only be the first, immediate one.
        StreamClient client = StreamClient.open(cluster.ws(0) + "/apps/" + guid("pinged") + "/stream", ADMIN);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> client.pings() >= 1);
        } finally {
            client.closeBlocking();
        }
    }

    @Test
    void upgradesThatAreNotRfc6455HandshakesAreRefusedAsGorillaRefusesThem() throws Exception {
        String key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
        assertTrue(rawUpgrade("POST", "/firehose/x", "Sec-WebSocket-Version: 13\r\n" + key)
                .startsWith("HTTP/1.1 405 Method Not Allowed"));
        for (String headers : List.of("Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Version: 8\r\n" + key, key,
                "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: short\r\n")) {
            String answer = rawUpgrade("GET", "/apps/" + guid("x") + "/stream", headers);
            assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request"), headers + answer);
            assertTrue(answer.toLowerCase().contains("sec-websocket-version: 13"), answer);
        }
        assertTrue(rawUpgrade("GET", "/apps/" + guid("x") + "/stream", "Sec-WebSocket-Version: 13\r\n" + key)
                .startsWith("HTTP/1.1 101"), "the same request with its key and version is accepted");
    }

    /** A WebSocket upgrade with the given extra headers, as raw bytes; the answer's status line and headers. */
    private static String rawUpgrade(String method, String path, String headers) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", cluster.tcPort(0))) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((method + " " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + ADMIN
                    + "\r\nConnection: Upgrade, close\r\nUpgrade: websocket\r\n" + headers + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            return head.toString();
        }
    }

    @Test
    void brokenHttpGetsA400AndTheServerCarriesOn() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", cluster.tcPort(0))) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("\u0001\u0002 garbage \r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        }
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", cluster.tcPort(0))) {
            socket.setSoTimeout(10_000);
            String hugeHeader = "GET /apps/x/recentlogs HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(100_000) + "\r\n\r\n";
            socket.getOutputStream().write(hugeHeader.getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 4"), answer);
        } catch (java.net.SocketException reset) {
            // refusing by closing mid-upload is also fine; what matters is the server below still answers
        }
        assertEquals(404, Cluster.get(cluster.http(0) + "/still/serving").statusCode());
    }

    @Test
    void selfMetricsReachTheFirehoseAndPrometheus() throws Exception {
        StreamClient firehose = StreamClient.open(cluster.ws(0) + "/firehose/self-metrics?filter-type=metrics", ADMIN);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> firehose.frames().stream().map(Envelopes::parse)
                    .anyMatch(e -> e.getOrigin().equals("LoggregatorTrafficController")
                            && e.hasValueMetric() && e.getValueMetric().getName().equals("doppler_proxy.firehoses")
                            && e.getValueMetric().getValue() >= 1));
            String metrics = cluster.tcMetrics(0);
            assertTrue(metrics.contains("doppler_proxy_firehoses "), metrics);
            assertTrue(metrics.contains("doppler_proxy_slow_consumer_total"), metrics);
        } finally {
            firehose.closeBlocking();
        }
    }

    private static HttpResponse<byte[]> recentLogs(String url) throws IOException {
        HttpResponse<byte[]> response = Cluster.getBytes(url, "Authorization", ADMIN);
        assertEquals(200, response.statusCode());
        return response;
    }

    private static List<String> texts(List<byte[]> envelopes) {
        return envelopes.stream().map(Envelopes::text).toList();
    }

    private static List<String> names(StreamClient client) {
        return client.frames().stream().map(Envelopes::parse).filter(Envelope::hasValueMetric)
                .map(e -> e.getValueMetric().getName()).toList();
    }

    private static List<byte[]> parseMultipart(HttpResponse<byte[]> response) throws MessagingException, IOException {
        String contentType = response.headers().firstValue("Content-Type").orElseThrow();
        assertTrue(contentType.startsWith("multipart/x-protobuf; boundary="), contentType);
        MimeMultipart multipart = new MimeMultipart(new ByteArrayDataSource(response.body(), contentType));
        List<byte[]> parts = new ArrayList<>();
        for (int i = 0; i < multipart.getCount(); i++) {
            BodyPart part = multipart.getBodyPart(i);
            try (InputStream in = part.getInputStream()) {
                parts.add(in.readAllBytes());
            }
        }
        return parts;
    }

    /** Go's writer emits only the closing delimiter for zero parts; MIME parsers call that "no start boundary". */
    private static List<byte[]> parseMultipartAllowingEmpty(HttpResponse<byte[]> response) throws Exception {
        String contentType = response.headers().firstValue("Content-Type").orElseThrow();
        String boundary = contentType.substring(contentType.indexOf("boundary=") + 9);
        if (new String(response.body(), StandardCharsets.US_ASCII).equals("\r\n--" + boundary + "--\r\n")) {
            return List.of();
        }
        return parseMultipart(response);
    }
}
