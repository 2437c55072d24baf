package dev.loggregator.gateway.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP backend (the JDK's server) on loopback. It answers {@code 200} with
 * {@code backend=<name> path=<path>} and an {@code X-Backend} header, and records every request it
 * received (method, path, headers, body) for assertions.
 */
public final class HttpBackend implements AutoCloseable {
    public record Received(String method, String path, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
                if (entry.getKey().equalsIgnoreCase(name)) {
                    return String.join(",", entry.getValue());
                }
            }
            return null;
        }
    }

    private final String name;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    public final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();

    public HttpBackend(String name) {
        this(name, 0);
    }

    /** On a given port (e.g. to bring a backend back where a dead one was). */
    public HttpBackend(String name, int port) {
        this.name = name;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                Map.copyOf(exchange.getRequestHeaders()), body));
        String path = exchange.getRequestURI().getPath();
        if (path.startsWith("/status/")) {
            int status = Integer.parseInt(path.substring("/status/".length()));
            byte[] bytes = ("status " + status + " from " + name).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
            return;
        }
        if (path.equals("/precompressed")) {
            java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
            try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(zipped)) {
                gzip.write("already compressed by the backend ".repeat(100).getBytes(StandardCharsets.UTF_8));
            }
            byte[] bytes = zipped.toByteArray();
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
            return;
        }
        if (path.startsWith("/text/")) {
            // ?status=N answers with that status; any other query parameter becomes a response header.
            int size = Integer.parseInt(path.substring("/text/".length()));
            byte[] bytes = "log line of text; ".repeat(size / 18 + 1).substring(0, size).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            int status = 200;
            String query = exchange.getRequestURI().getQuery();
            for (String parameter : query == null ? new String[0] : query.split("&")) {
                String[] nameValue = parameter.split("=", 2);
                if (nameValue[0].equals("status")) {
                    status = Integer.parseInt(nameValue[1]);
                } else {
                    exchange.getResponseHeaders().add(nameValue[0], nameValue[1]);
                }
            }
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
            return;
        }
        byte[] bytes = ("backend=" + name + " path=" + exchange.getRequestURI() + " body=" + body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("X-Backend", name);
        exchange.getResponseHeaders().set("Content-Type", "text/plain");
        exchange.getResponseHeaders().set("Keep-Alive", "timeout=5");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
