package dev.loggregator.doppler.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;

/**
 * Cloud Controller's internal syslog drain API, which we do not ship: {@code GET
 * /internal/v5/syslog_drain_urls?batch_size=N&next_id=M} answering its JSON page by page
 * ({@code next_id} is the index of the next result, 0 after the last page), over mutual TLS when
 * made with certificates. The bindings can be changed while the Doppler polls.
 */
public final class FakeBindingProvider implements AutoCloseable {
    /** One result: a drain URL with its credential groups. */
    public record Binding(String url, List<Credential> credentials) {
        public static Binding of(String url, String... appIds) {
            List<App> apps = new ArrayList<>();
            for (String appId : appIds) {
                apps.add(new App("org.space." + appId, appId));
            }
            return new Binding(url, List.of(new Credential("", "", "", apps)));
        }
    }

    public record Credential(String cert, String key, String ca, List<App> apps) {
    }

    public record App(String hostname, String appId) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final boolean tls;
    private volatile List<Binding> bindings = List.of();
    private final List<String> queries = new CopyOnWriteArrayList<>();

    private FakeBindingProvider(HttpServer server, boolean tls) {
        this.server = server;
        this.tls = tls;
        server.createContext("/internal/v5/syslog_drain_urls", this::handle);
        server.start();
    }

    public static FakeBindingProvider plain() {
        try {
            return new FakeBindingProvider(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Mutual TLS: the Doppler must present a certificate signed by the test CA. */
    public static FakeBindingProvider mutualTls(TestCertificates certs) {
        try {
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            SSLContext context = SyslogReceiver.serverContext(certs, true);
            server.setHttpsConfigurator(new HttpsConfigurator(context) {
                @Override
                public void configure(HttpsParameters params) {
                    params.setNeedClientAuth(true);
                }
            });
            return new FakeBindingProvider(server, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI url() {
        return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort());
    }

    public void bindings(List<Binding> bindings) {
        this.bindings = List.copyOf(bindings);
    }

    /** The query strings of every request so far. */
    public List<String> queries() {
        return List.copyOf(queries);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getRawQuery();
        queries.add(query);
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : query == null ? new String[0] : query.split("&")) {
            int eq = pair.indexOf('=');
            params.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        int batchSize = Integer.parseInt(params.getOrDefault("batch_size", "1000"));
        int from = Integer.parseInt(params.getOrDefault("next_id", "0"));
        List<Binding> all = bindings;
        int to = Math.min(all.size(), from + batchSize);
        List<Map<String, Object>> results = new ArrayList<>();
        for (Binding binding : all.subList(Math.min(from, all.size()), to)) {
            List<Map<String, Object>> credentials = new ArrayList<>();
            for (Credential credential : binding.credentials()) {
                List<Map<String, Object>> apps = new ArrayList<>();
                for (App app : credential.apps()) {
                    apps.add(Map.of("hostname", app.hostname(), "app_id", app.appId()));
                }
                credentials.add(Map.of("cert", credential.cert(), "key", credential.key(), "ca", credential.ca(), "apps", apps));
            }
            results.add(Map.of("url", binding.url(), "credentials", credentials));
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
