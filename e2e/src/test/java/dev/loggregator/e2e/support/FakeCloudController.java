package dev.loggregator.e2e.support;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cloud Controller's log-access check, the one external system the Traffic Controller asks about
 * apps (we do not ship a Cloud Controller): {@code GET /internal/log_access/{app}} and
 * {@code /internal/v4/log_access/{app}} with the user's {@code Authorization} header forwarded,
 * answering 200 when that user may read the app, 403 when not, 401 for a missing or bad token.
 */
public final class FakeCloudController implements AutoCloseable {
    private final HttpServer server;
    private volatile RSAPublicKey tokenKey;
    private final Map<String, Set<String>> appsByUser = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

    public FakeCloudController() throws IOException {
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/internal/", this::handle);
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The key user tokens are signed with (UAA's, in a real foundation). */
    public void trustTokensSignedFor(RSAPublicKey key) {
        this.tokenKey = key;
    }

    public void allow(String user, String... apps) {
        appsByUser.put(user, Set.of(apps));
    }

    public int requests() {
        return requests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String path = exchange.getRequestURI().getPath();
        int status;
        if (!path.matches("/internal/(v4/)?log_access/[^/]+")) {
            status = 404;
        } else {
            String app = path.substring(path.lastIndexOf('/') + 1);
            status = decide(exchange.getRequestHeaders().getFirst("Authorization"), app);
        }
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    private int decide(String authorization, String app) {
        if (authorization == null || !authorization.regionMatches(true, 0, "bearer ", 0, 7)) {
            return 401;
        }
        try {
            SignedJWT jwt = SignedJWT.parse(authorization.substring(7).trim());
            if (tokenKey == null || !jwt.verify(new RSASSAVerifier(tokenKey))) {
                return 401;
            }
            String user = jwt.getJWTClaimsSet().getStringClaim("user_name");
            return appsByUser.getOrDefault(user, Set.of()).contains(app) ? 200 : 403;
        } catch (Exception e) {
            return 401;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
