package dev.loggregator.cli.logcache;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.loggregator.wire.v2.json.EnvelopeJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.cloudfoundry.loggregator.v2.LoggregatorEnvelope.Envelope;

/**
 * A stand-in for our own Log Cache HTTP API in the client's unit tests, until the server side is
 * on main: {@code /api/v1/info} and {@code <prefix>/read/{source}} as issue 14 and modern-apis.md
 * §1-2 specify them (start inclusive, end exclusive, limit default 100, types, descending, the
 * envelopes as the real gateway encodes them). The end-to-end tests use the real system only.
 */
final class FakeLogCache implements AutoCloseable {
    private final HttpServer server;
    private final List<Envelope> envelopes = new CopyOnWriteArrayList<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    volatile int infoStatus = 200;
    volatile String infoBody = "{\"version\":\"2.11.4\",\"vm_uptime\":\"1234\"}\n";
    volatile String prefix = "/api/v1";
    /** Reads asking for more than this are answered 429, as grpc-gateway does when the answer is too large. */
    volatile int maxLimit = 1000;
    /** When set, every read is answered with this body. */
    volatile String readBody;
    volatile int readStatus = 200;

    FakeLogCache() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("ws://127.0.0.1:" + server.getAddress().getPort());
    }

    void add(Envelope envelope) {
        envelopes.add(envelope);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        requests.add(path + (query == null ? "" : "?" + query));
        authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        if (path.equals("/api/v1/info")) {
            answer(exchange, infoStatus, infoStatus == 200 ? infoBody : "");
        } else if (path.startsWith(prefix + "/read/")) {
            read(exchange, path.substring((prefix + "/read/").length()), parameters(query));
        } else {
            answer(exchange, 404, "");
        }
    }

    private void read(HttpExchange exchange, String sourceId, Map<String, List<String>> query) throws IOException {
        if (readStatus != 200 || readBody != null) {
            answer(exchange, readStatus, readBody == null ? "" : readBody);
            return;
        }
        long start = Long.parseLong(first(query, "start_time", "0"));
        long end = Long.parseLong(first(query, "end_time", Long.toString(Long.MAX_VALUE)));
        int limit = Integer.parseInt(first(query, "limit", "100"));
        if (limit > maxLimit) {
            answer(exchange, 429, "{\"code\":8,\"message\":\"grpc: received message larger than max\"}");
            return;
        }
        List<String> types = query.getOrDefault("envelope_types", List.of());
        boolean descending = "true".equals(first(query, "descending", "false"));
        List<Envelope> selected = new ArrayList<>();
        for (Envelope envelope : envelopes) {
            if (envelope.getSourceId().equals(sourceId) && envelope.getTimestamp() >= start && envelope.getTimestamp() < end
                    && (types.isEmpty() || types.contains(envelope.getMessageCase().name()))) {
                selected.add(envelope);
            }
        }
        Comparator<Envelope> byTime = Comparator.comparingLong(Envelope::getTimestamp);
        selected.sort(descending ? byTime.reversed() : byTime);
        StringBuilder body = new StringBuilder("{\"envelopes\":{\"batch\":[");
        for (int i = 0; i < Math.min(limit, selected.size()); i++) {
            body.append(i == 0 ? "" : ",").append(new String(EnvelopeJson.encode(selected.get(i)), StandardCharsets.UTF_8));
        }
        answer(exchange, 200, body.append("]}}").toString());
    }

    private static Map<String, List<String>> parameters(String query) {
        Map<String, List<String>> parameters = new HashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                parameters.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            }
        }
        return parameters;
    }

    private static String first(Map<String, List<String>> query, String key, String fallback) {
        List<String> values = query.get(key);
        return values == null || values.isEmpty() ? fallback : values.get(0);
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
