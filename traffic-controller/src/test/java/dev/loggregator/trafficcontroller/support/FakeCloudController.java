package dev.loggregator.trafficcontroller.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the Cloud Controller's {@code GET /internal/log_access/{app}} (an external system
 * we do not ship), speaking real HTTP: answers the status configured for the app (404 unknown),
 * and records the Authorization headers it received.
 */
public final class FakeCloudController implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, Integer> statusByApp = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    public FakeCloudController() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/internal/log_access/", exchange -> {
            String app = exchange.getRequestURI().getPath().substring("/internal/log_access/".length());
            requests.add(app + " " + exchange.getRequestHeaders().getFirst("Authorization"));
            int status = statusByApp.getOrDefault(app, 404);
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    public FakeCloudController answer(String app, int status) {
        statusByApp.put(app, status);
        return this;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** "app authorization" per request received. */
    public List<String> requests() {
        return requests;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
