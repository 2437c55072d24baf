package dev.loggregator.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.gateway.support.HttpBackend;
import dev.loggregator.gateway.support.Metrics;
import dev.loggregator.gateway.support.RawHttp;
import dev.loggregator.gateway.support.RunningGateway;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Optional gzip, and the admin port's /health and /metrics. */
class GzipAndAdminTest {
    static HttpBackend backend;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        backend = new HttpBackend("gz");
        gateway = RunningGateway.start(""
                + "  gzip: {enabled: true, min_bytes: 1024}\n"
                + "  routes:\n"
                + "    - hosts: ['*']\n"
                + "      backends: [" + backend.address() + "]\n");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        backend.close();
    }

    private static RawHttp.Response get(String path, String acceptEncoding) {
        try (RawHttp http = new RawHttp(gateway.port())) {
            return http.send("GET " + path + " HTTP/1.1\r\nHost: gz.test\r\n"
                    + (acceptEncoding == null ? "" : "Accept-Encoding: " + acceptEncoding + "\r\n") + "Connection: close\r\n\r\n").read();
        }
    }

    private static String gunzip(String body) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body.getBytes(StandardCharsets.ISO_8859_1)))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void compressesCompressibleResponsesForClientsThatAcceptGzip() throws IOException {
        RawHttp.Response response = get("/text/5000", "gzip, deflate");
        assertEquals("gzip", response.header("Content-Encoding"));
        assertTrue(response.body().length() < 5000);
        assertEquals(5000, gunzip(response.body()).length());
    }

    @Test
    void aCompressedResponseVariesOnAcceptEncoding() {
        assertEquals("Accept-Encoding", get("/text/5000", "gzip").header("Vary"));
        assertEquals("Origin, Accept-Encoding", get("/text/5000?Vary=Origin", "gzip").header("Vary"));
        assertEquals("accept-encoding", get("/text/5000?Vary=accept-encoding", "gzip").header("Vary"));
    }

    @Test
    void leavesAloneHttp10Clients() {
        RawHttp.Response http10;
        try (RawHttp http = new RawHttp(gateway.port())) {
            http10 = http.send("GET /text/5000 HTTP/1.0\r\nHost: gz.test\r\nAccept-Encoding: gzip\r\n\r\n").read();
        }
        assertNull(http10.header("Content-Encoding"));
        assertNull(http10.header("Transfer-Encoding"), "an HTTP/1.0 client cannot read chunked encoding");
        assertEquals(5000, http10.body().length());
    }

    @Test
    void leavesAlonePartialContent() {
        RawHttp.Response partial = get("/text/5000?status=206&Content-Range=bytes%200-4999/9000", "gzip");
        assertEquals(206, partial.status());
        assertNull(partial.header("Content-Encoding"));
        assertEquals(5000, partial.body().length());
    }

    @Test
    void leavesAloneResponsesMarkedNoTransform() {
        RawHttp.Response noTransform = get("/text/5000?Cache-Control=max-age=60,%20No-Transform", "gzip");
        assertNull(noTransform.header("Content-Encoding"));
        assertEquals(5000, noTransform.body().length());
    }

    @Test
    void leavesAloneClientsWithoutGzipSmallResponsesAndBackendEncodedOnes() throws IOException {
        RawHttp.Response plain = get("/text/5000", null);
        assertNull(plain.header("Content-Encoding"));
        assertEquals(5000, plain.body().length());
        RawHttp.Response small = get("/text/100", "gzip");
        assertNull(small.header("Content-Encoding"));
        assertEquals(100, small.body().length());
        RawHttp.Response already = get("/precompressed", "gzip");
        assertEquals("gzip", already.header("Content-Encoding"));
        assertTrue(gunzip(already.body()).startsWith("already compressed by the backend"), "compressed once, not twice");
    }

    @Test
    void servesHealthAndPrometheusMetrics() {
        assertEquals(200, get("/text/10", null).status());
        var health = Metrics.get(gateway.adminPort(), "/health");
        assertEquals(200, health.statusCode());
        assertEquals("{\"status\":\"UP\"}", health.body());
        // A request is counted just after its response went out.
        await().atMost(Duration.ofSeconds(20)).until(() ->
                Metrics.get(gateway.adminPort(), "/metrics").body().contains("gateway_requests_total{code=\"200\"}"));
        String metrics = Metrics.get(gateway.adminPort(), "/metrics").body();
        assertTrue(metrics.contains("gateway_client_connections_open"), metrics);
        assertTrue(metrics.contains("gateway_backend_dead{backend=\"" + backend.address() + "\"} 0"), metrics);
    }
}
