package dev.loggregator.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthServerTest {
    private final HttpClient client = HttpClient.newHttpClient();
    private final AtomicReference<HealthStatus> status = new AtomicReference<>(HealthStatus.STARTING);
    private HealthServer server;

    @BeforeEach
    void start() throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        Counter.builder().name("probe_envelopes_total").help("test counter").register(registry).inc(7);
        server = new HealthServer("127.0.0.1", 0, registry, status::get);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void healthFollowsTheComponentsStatus() throws Exception {
        HttpResponse<String> starting = get("/health", "");
        assertEquals(503, starting.statusCode());
        assertEquals("{\"status\":\"STARTING\"}", starting.body());

        status.set(HealthStatus.UP);
        HttpResponse<String> up = get("/health", "");
        assertEquals(200, up.statusCode());
        assertEquals("application/json", up.headers().firstValue("content-type").orElseThrow());
        assertEquals("{\"status\":\"UP\"}", up.body());
    }

    @Test
    void metricsAreThePrometheusTextOfTheRegistry() throws Exception {
        HttpResponse<String> text = get("/metrics", "");
        assertEquals(200, text.statusCode());
        assertTrue(text.headers().firstValue("content-type").orElseThrow().startsWith("text/plain; version=0.0.4"));
        assertTrue(text.body().contains("probe_envelopes_total 7.0"), text.body());

        HttpResponse<String> open = client.send(request("/metrics")
                .header("Accept", "application/openmetrics-text; version=1.0.0").build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(open.headers().firstValue("content-type").orElseThrow().startsWith("application/openmetrics-text"));
        assertTrue(open.body().contains("probe_envelopes_total 7.0"), open.body());
        assertTrue(open.body().endsWith("# EOF\n"), open.body());

        HttpResponse<String> filtered = get("/metrics", "?name[]=nothing_of_that_name");
        assertFalse(filtered.body().contains("probe_envelopes_total"), filtered.body());
    }

    @Test
    void metricsAreGzippedWhenAskedFor() throws Exception {
        HttpResponse<byte[]> zipped = client.send(request("/metrics").header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("gzip", zipped.headers().firstValue("content-encoding").orElseThrow());
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
            assertTrue(new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("probe_envelopes_total 7.0"));
        }
    }

    @Test
    void otherPathsAndMethodsAreRefused() throws Exception {
        assertEquals(404, get("/nothing", "").statusCode());
        HttpResponse<String> post = client.send(request("/health").POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }

    @Test
    void aMalformedRequestGetsA400AndTheServerGoesOn() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        }
        status.set(HealthStatus.UP);
        assertEquals(200, get("/health", "").statusCode());
    }

    private HttpResponse<String> get(String path, String query) throws Exception {
        return client.send(request(path + query).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery));
    }
}
