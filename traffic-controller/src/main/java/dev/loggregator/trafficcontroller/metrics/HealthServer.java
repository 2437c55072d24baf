package dev.loggregator.trafficcontroller.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** {@code /health} (UP once every listener is bound) and Prometheus {@code /metrics} on the health port. */
public final class HealthServer implements AutoCloseable {
    public enum State { STARTING, UP, DRAINING }

    private final HttpServer server;
    private final ExecutorService executor;
    private volatile State state = State.STARTING;

    public HealthServer(String host, int port, TrafficControllerMetrics metrics) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 16);
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "health-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", new MetricsHandler(metrics.registry()));
        server.createContext("/health", this::health);
        server.start();
    }

    public void state(State state) {
        this.state = state;
    }

    private void health(HttpExchange exchange) throws IOException {
        State current = state;
        byte[] body = ("{\"status\":\"" + current.name() + "\"}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(current == State.UP ? 200 : 503, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
