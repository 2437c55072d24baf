package dev.loggregator.e2e.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * UAA's token endpoint, which we do not ship: {@code POST /oauth/token} (RFC 6749) with the client in
 * HTTP Basic auth, {@code grant_type=password} (username, password) or {@code client_credentials};
 * 200 with {@code access_token}, {@code token_type} and {@code expires_in}, or 401
 * {@code {"error":"unauthorized","error_description":"Bad credentials"}} as UAA answers.
 */
public final class FakeUaa implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, String> passwords = new ConcurrentHashMap<>();
    private final Map<String, String> clientSecrets = new ConcurrentHashMap<>();
    private final Map<String, List<String>> scopes = new ConcurrentHashMap<>();
    private volatile BiFunction<String, List<String>, String> minter;

    public FakeUaa() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/oauth/token", this::token);
        server.start();
        clientSecrets.put("cf", ""); // the cf CLI's public client
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** How tokens are made: (user or client id, scopes) to a signed JWT. */
    public void mintWith(BiFunction<String, List<String>, String> minter) {
        this.minter = minter;
    }

    public void user(String name, String password, String... userScopes) {
        passwords.put(name, password);
        scopes.put(name, List.of(userScopes));
    }

    public void client(String id, String secret, String... clientScopes) {
        clientSecrets.put(id, secret);
        scopes.put(id, List.of(clientScopes));
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String[] client = basic(exchange.getRequestHeaders().getFirst("Authorization"));
        String subject = null;
        if (client != null && client[1].equals(clientSecrets.get(client[0]))) {
            if ("password".equals(form.get("grant_type"))) {
                String user = form.getOrDefault("username", "");
                subject = form.getOrDefault("password", "").equals(passwords.get(user)) ? user : null;
            } else if ("client_credentials".equals(form.get("grant_type")) && scopes.containsKey(client[0])) {
                subject = client[0];
            }
        }
        byte[] body;
        int status;
        if (subject == null) {
            status = 401;
            body = "{\"error\":\"unauthorized\",\"error_description\":\"Bad credentials\"}".getBytes(StandardCharsets.UTF_8);
        } else {
            status = 200;
            body = ("{\"access_token\":\"" + minter.apply(subject, scopes.get(subject))
                    + "\",\"token_type\":\"bearer\",\"expires_in\":3599,\"jti\":\"x\"}").getBytes(StandardCharsets.UTF_8);
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private static String[] basic(String header) {
        if (header == null || !header.regionMatches(true, 0, "basic ", 0, 6)) {
            return null;
        }
        String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : new String[] {
            URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
            URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)};
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
