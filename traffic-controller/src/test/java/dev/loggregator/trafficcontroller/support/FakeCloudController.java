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
 * A stand-in for the Cloud Controller (an external system we do not ship), speaking real HTTP: the
 * v1 Traffic Controller's {@code GET /internal/log_access/{app}} and Log Cache's v3 calls
 * ({@code GET /v3/apps/{guid}}, {@code /v3/service_instances/{guid}}, and their lists with
 * {@code per_page}, paged as the v3 API pages: {@code pagination.next.href}). An app answers the
 * status configured for it (404 unknown); the lists hold the apps configured with 200, two to a page
 * ({@code names=} keeps the apps of those names).
 * Records the Authorization headers it received.
 */
public final class FakeCloudController implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, Integer> statusByApp = new ConcurrentHashMap<>();
    private final Map<String, String> nameByApp = new ConcurrentHashMap<>();
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
        server.createContext("/v3/apps", exchange -> v3(exchange, "/v3/apps"));
        server.createContext("/v3/service_instances", exchange -> v3(exchange, "/v3/service_instances"));
        server.start();
    }

    private void v3(com.sun.net.httpserver.HttpExchange exchange, String prefix) throws IOException {
        String path = exchange.getRequestURI().getPath();
        requests.add(path + " " + exchange.getRequestHeaders().getFirst("Authorization"));
        if (path.length() > prefix.length() + 1) {
            String guid = path.substring(prefix.length() + 1);
            int status = prefix.equals("/v3/apps") ? statusByApp.getOrDefault(guid, 404) : 404;
            byte[] body = status == 200 ? ("{\"guid\":\"" + guid + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8)
                    : new byte[0];
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
            return;
        }
        String query = exchange.getRequestURI().getQuery();
        int page = 1;
        List<String> names = null;
        for (String parameter : query == null ? new String[0] : query.split("&")) {
            if (parameter.startsWith("page=")) {
                page = Integer.parseInt(parameter.substring("page=".length()));
            }
            if (parameter.startsWith("names=")) {
                names = List.of(parameter.substring("names=".length()).split(","));
            }
        }
        List<String> wanted = names;
        List<String> visible = prefix.equals("/v3/apps") ? statusByApp.entrySet().stream()
                .filter(e -> e.getValue() == 200).map(Map.Entry::getKey)
                .filter(guid -> wanted == null || wanted.contains(nameByApp.get(guid))).sorted().toList() : List.of();
        List<String> onPage = visible.subList(Math.min(visible.size(), (page - 1) * 2), Math.min(visible.size(), page * 2));
        StringBuilder body = new StringBuilder("{\"pagination\":{\"next\":");
        body.append(page * 2 < visible.size() ? "{\"href\":\"" + url() + prefix + "?page=" + (page + 1) + "&per_page=5000\"}" : "null");
        body.append("},\"resources\":[");
        for (int i = 0; i < onPage.size(); i++) {
            String name = nameByApp.get(onPage.get(i));
            body.append(i == 0 ? "" : ",").append("{\"guid\":\"").append(onPage.get(i)).append('"')
                    .append(name == null ? "" : ",\"name\":\"" + name + "\"").append('}');
        }
        byte[] bytes = body.append("]}").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    public FakeCloudController answer(String app, int status) {
        statusByApp.put(app, status);
        return this;
    }

    /** Names an app, for {@code /v3/apps?names=} (names are listed URL-decoded, comma-separated). */
    public FakeCloudController name(String app, String name) {
        nameByApp.put(app, name);
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
