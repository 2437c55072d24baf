package dev.loggregator.cli.process;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A stand-in for the Cloud Controller (an external system we do not ship), speaking its
 * log-access protocol: {@code GET /internal/log_access/{app}} answers 200 when the caller may
 * read the app's logs, 404 otherwise (as CC does for an unknown app or one in another space).
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
            server.start();
            return cc;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void allow(String app) {
        readableApps.add(app);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
