package dev.loggregator.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Every component's health port: {@code GET /health} answers 200 {@code {"status":"UP"}} once the
 * component serves, 503 with {@code STARTING} or {@code DRAINING} otherwise (what the launcher and
 * load balancers poll), and {@code GET /metrics} is the Prometheus text of the component's registry.
 * Health answers name the answering process in {@code X-Process-Id}: while a new gateway takes the
 * port over from the old one, the launcher must know whose health it saw.
 * One daemon thread: scrapes and probes are rare and must not compete with the data path.
 */
public final class HealthServer implements AutoCloseable {
    private static final String PID = Long.toString(ProcessHandle.current().pid());
    private final HttpServer server;
    private final ExecutorService executor;

    /** Binds {@code host:port} (port 0 picks a free one) and starts serving. */
    public HealthServer(String host, int port, PrometheusRegistry registry, Supplier<HealthStatus> status) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 16);
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "health-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", new MetricsHandler(registry));
        server.createContext("/health", exchange -> health(exchange, status.get()));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void health(HttpExchange exchange, HealthStatus status) throws IOException {
        try (exchange) {
            byte[] body = ("{\"status\":\"" + status + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("X-Process-Id", PID);
            exchange.sendResponseHeaders(status == HealthStatus.UP ? 200 : 503, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
