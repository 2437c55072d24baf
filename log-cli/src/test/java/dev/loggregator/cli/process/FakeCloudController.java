package dev.loggregator.cli.process;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A stand-in for the Cloud Controller (an external system we do not ship), speaking its
 * log-access protocol: {@code GET /internal/log_access/{app}} answers 200 when the caller may
 * read the app's logs, 404 otherwise (as CC does for an unknown app or one in another space); and
 * the v3 reads Log Cache's checks make: {@code GET /v3/apps/{guid}} the same way, {@code GET /v3/apps}
 * the readable apps in one page, no service instances.
 */
final class FakeCloudController implements AutoCloseable {
    private final HttpServer server;
    private final Set<String> readableApps = ConcurrentHashMap.newKeySet();

    private FakeCloudController(HttpServer server) {
        this.server = server;
    }

    static FakeCloudController start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            FakeCloudController cc = new FakeCloudController(server);
            server.createContext("/internal/log_access/", exchange -> {
                String app = exchange.getRequestURI().getPath().substring("/internal/log_access/".length());
                boolean hasToken = exchange.getRequestHeaders().getFirst("Authorization") != null;
                int status = !hasToken ? 401 : cc.readableApps.contains(app) ? 200 : 404;
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.createContext("/v3/apps", exchange -> {
                String path = exchange.getRequestURI().getPath();
                boolean hasToken = exchange.getRequestHeaders().getFirst("Authorization") != null;
                if (!hasToken) {
                    exchange.sendResponseHeaders(401, -1);
                } else if (path.startsWith("/v3/apps/")) {
                    exchange.sendResponseHeaders(cc.readableApps.contains(path.substring("/v3/apps/".length())) ? 200 : 404, -1);
                } else {
                    byte[] page = cc.appsPage().getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, page.length);
                    exchange.getResponseBody().write(page);
                }
                exchange.close();
            });
            server.createContext("/v3/service_instances", exchange -> {
                byte[] empty = "{\"pagination\":{\"next\":null},\"resources\":[]}".getBytes(StandardCharsets.UTF_8);
                if (exchange.getRequestURI().getPath().startsWith("/v3/service_instances/")) {
                    exchange.sendResponseHeaders(404, -1);
                } else {
                    exchange.sendResponseHeaders(200, empty.length);
                    exchange.getResponseBody().write(empty);
                }
                exchange.close();
            });
            server.start();
            return cc;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private String appsPage() {
        StringBuilder json = new StringBuilder("{\"pagination\":{\"next\":null},\"resources\":[");
        String separator = "";
        for (String app : readableApps) {
            json.append(separator).append("{\"guid\":\"").append(app).append("\",\"name\":\"").append(app).append("\"}");
            separator = ",";
        }
        return json.append("]}").toString();
    }

    void allow(String app) {
        readableApps.add(app);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
