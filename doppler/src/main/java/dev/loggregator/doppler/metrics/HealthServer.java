package dev.loggregator.doppler.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** {@code GET /health} (200 once every listener is bound) and Prometheus {@code GET /metrics} on the health port. */
public final class HealthServer {
    public enum Status { STARTING, UP, DRAINING }

    private final HttpServer server;
    private final ExecutorService executor;
    private volatile Status status = Status.STARTING;

    public HealthServer(InetSocketAddress address, DopplerMetrics metrics) throws IOException {
        this.server = HttpServer.create(address, 16);
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "doppler-health");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", new MetricsHandler(metrics.registry()));
        server.createContext("/health", this::health);
    }

    private void health(HttpExchange exchange) throws IOException {
        try (exchange) {
            Status current = status;
            byte[] body = ("{\"status\":\"" + current + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(current == Status.UP ? 200 : 503, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void status(Status status) {
        this.status = status;
    }

    public void stop() {
        server.stop(0);
        executor.shutdownNow();
    }
}
