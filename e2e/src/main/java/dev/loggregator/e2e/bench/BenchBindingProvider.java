package dev.loggregator.e2e.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stand-in for Cloud Controller's syslog drain API ({@code GET /internal/v5/syslog_drain_urls},
 * paged), which the benchmark's Doppler polls every second: the drains scenario binds and unbinds
 * drains through it while the Doppler runs. One app per binding.
 */
final class BenchBindingProvider implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** app id and drain URL */
    record Binding(String appId, String url) {
    }

    private final HttpServer server;
    private volatile List<Binding> bindings = List.of();

    BenchBindingProvider() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/internal/v5/syslog_drain_urls", this::page);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void bind(List<Binding> bindings) {
        this.bindings = List.copyOf(bindings);
    }

    private void page(HttpExchange exchange) throws IOException {
        Map<String, String> query = new LinkedHashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                query.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        int size = Integer.parseInt(query.getOrDefault("batch_size", "1000"));
        int from = Integer.parseInt(query.getOrDefault("next_id", "0"));
        List<Binding> all = bindings;
        int to = Math.min(all.size(), from + size);
        List<Object> results = new ArrayList<>();
        for (Binding binding : all.subList(Math.min(from, all.size()), to)) {
            results.add(Map.of("url", binding.url(), "credentials", List.of(Map.of("cert", "", "key", "", "ca", "",
                    "apps", List.of(Map.of("hostname", "bench.drains." + binding.appId(), "app_id", binding.appId()))))));
        }
        byte[] body = JSON.writeValueAsBytes(Map.of("results", results, "next_id", to < all.size() ? to : 0));
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
