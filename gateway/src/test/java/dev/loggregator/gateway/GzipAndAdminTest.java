package dev.loggregator.gateway;

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
        String metrics = Metrics.get(gateway.adminPort(), "/metrics").body();
        assertTrue(metrics.contains("gateway_requests_total{code=\"200\"}"), metrics);
        assertTrue(metrics.contains("gateway_client_connections_open"), metrics);
        assertTrue(metrics.contains("gateway_backend_dead{backend=\"" + backend.address() + "\"} 0"), metrics);
    }
}
