package dev.loggregator.trafficcontroller.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loggregator.trafficcontroller.support.Cluster;
import dev.loggregator.trafficcontroller.support.Tokens;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The web viewer's server side on a real Traffic Controller: its files, config, session and the cookie hand-off. */
class UiEndpointTest {
    private static final Tokens TOKENS = new Tokens();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Cluster cluster;

    @BeforeAll
    static void start() throws IOException {
        Path pem = TOKENS.writePublicKeyPem(Files.createTempFile("jwt", ".pem"));
        cluster = Cluster.start(1, 1, """
                auth:
                  jwt: {public_key_pem: %s}
                ui: {buffer_lines: 1234, pause_buffer_lines: 99}
                """.formatted(pem));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cluster.http(0) + path));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The status line and head of a request sent byte for byte as written (no client normalises the path). */
    private static String raw(String method, String target) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", cluster.tcPort(0))) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            in.transferTo(response);
            return response.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void theRootAndUiRedirectToTheViewer() throws Exception {
        for (String path : new String[] {"/", "/ui"}) {
            HttpResponse<String> response = get(path);
            assertEquals(302, response.statusCode(), path);
            assertEquals("/ui/", response.headers().firstValue("Location").orElseThrow(), path);
        }
    }

    @Test
    void filesComeWithTheirContentTypeSecurityHeadersAndValidators() throws Exception {
        HttpResponse<String> index = get("/ui/");
        assertEquals(200, index.statusCode());
        assertEquals("text/html; charset=utf-8", index.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(index.body().contains("<script type=\"module\" src=\"js/main.js\">"));
        assertEquals("nosniff", index.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertTrue(index.headers().firstValue("Content-Security-Policy").orElseThrow().startsWith("default-src 'self'"));
        assertEquals("no-cache", index.headers().firstValue("Cache-Control").orElseThrow());
        String etag = index.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = get("/ui/index.html", "If-None-Match", etag);
        assertEquals(304, again.statusCode());
        assertEquals("", again.body());

        assertEquals("text/javascript; charset=utf-8", get("/ui/js/main.js").headers().firstValue("Content-Type").orElseThrow());
        assertEquals("text/css; charset=utf-8", get("/ui/css/app.css").headers().firstValue("Content-Type").orElseThrow());
        assertEquals("image/svg+xml", get("/ui/favicon.svg").headers().firstValue("Content-Type").orElseThrow());
        HttpResponse<String> vendored = get("/ui/vendor/uplot/uPlot.esm.js");
        assertEquals(200, vendored.statusCode(), "uPlot is packaged from its WebJar");
        assertTrue(vendored.body().contains("export { uPlot as default }"));
        assertEquals("public, max-age=86400", vendored.headers().firstValue("Cache-Control").orElseThrow());
    }

    @Test
    void nothingOutsideTheViewersFilesCanBeReached() throws Exception {
        for (String target : new String[] {"/ui/../logback.xml", "/ui/%2e%2e/logback.xml", "/ui/js/../../logback.xml",
                "/ui/js/%2E%2E/%2E%2E/logback.xml", "/ui/..%2flogback.xml", "/ui/%2flogback.xml", "/ui//etc/passwd",
                "/ui/.hidden.js", "/ui/js", "/ui/js/", "/ui/dev/loggregator/trafficcontroller/TrafficController.class",
                "/ui/missing.html", "/ui/js/main.js%00.html", "/ui/js\\main.js"}) {
            String response = raw("GET", target);
            assertTrue(response.startsWith("HTTP/1.1 404 Not Found\r\n"), target + " -> " + response.lines().findFirst().orElse(""));
        }
    }

    @Test
    void onlyGetAndHeadReadFiles() throws Exception {
        String post = raw("POST", "/ui/index.html");
        assertTrue(post.startsWith("HTTP/1.1 405 "), post);
        assertTrue(post.contains("allow: GET, HEAD\r\n"), post);
        String head = raw("HEAD", "/ui/index.html");
        assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
        assertTrue(head.endsWith("\r\n\r\n"), "a HEAD answer has no body: " + head);
        assertFalse(head.contains("content-length: 0\r\n"), "a HEAD answer says how long the body would be");
    }

    @Test
    void configTellsThePageItsBuffersAndHowToSignIn() throws Exception {
        HttpResponse<String> response = get("/ui/config.json");
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElseThrow());
        JsonNode config = JSON.readTree(response.body());
        assertEquals(1234, config.get("buffer_lines").asInt());
        assertEquals(99, config.get("pause_buffer_lines").asInt());
        assertFalse(config.get("login").get("uaa").asBoolean());
        assertTrue(config.get("access_control").asBoolean());
        HttpResponse<String> login = HTTP.send(HttpRequest.newBuilder(URI.create(cluster.http(0) + "/ui/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username=a&password=b")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, login.statusCode(), "no UAA configured");
        assertEquals("no_uaa", JSON.readTree(login.body()).get("error").asText());
    }

    @Test
    void sessionSaysWhoTheCookieBelongsToOrWhyNobody() throws Exception {
        JsonNode none = JSON.readTree(get("/ui/session").body());
        assertFalse(none.get("signed_in").asBoolean());
        assertEquals("missing", none.get("reason").asText());

        String admin = TOKENS.bearer(Duration.ofHours(1), "doppler.firehose", "doppler.admin");
        JsonNode operator = JSON.readTree(get("/ui/session", "Cookie", cookie(admin)).body());
        assertTrue(operator.get("signed_in").asBoolean());
        assertTrue(operator.get("firehose").asBoolean());
        assertTrue(operator.get("expires_at").asLong() > System.currentTimeMillis());
        assertEquals("[\"doppler.admin\",\"doppler.firehose\"]", operator.get("scopes").toString());

        String reader = TOKENS.bearer(Duration.ofHours(1), "openid");
        assertFalse(JSON.readTree(get("/ui/session", "Cookie", cookie(reader)).body()).get("firehose").asBoolean());

        String expired = TOKENS.bearer(Duration.ofMinutes(-5), "doppler.firehose");
        JsonNode old = JSON.readTree(get("/ui/session", "Cookie", cookie(expired)).body());
        assertFalse(old.get("signed_in").asBoolean());
        assertEquals("expired", old.get("reason").asText());
        assertEquals("invalid", JSON.readTree(get("/ui/session", "Cookie", "authorization=garbage").body()).get("reason").asText());
    }

    @Test
    void aPageOfThisOriginGetsAHostOnlyCookieThatIsSecureOnlyOverHttps() throws Exception {
        String host = "127.0.0.1:" + cluster.tcPort(0);
        for (String scheme : new String[] {"http", "https"}) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(cluster.http(0) + "/set-cookie"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Origin", scheme + "://" + host)
                    .POST(HttpRequest.BodyPublishers.ofString("CookieName=authorization&CookieValue="
                            + URLEncoder.encode("bearer abc", StandardCharsets.UTF_8)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            String cookie = response.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(cookie.startsWith("authorization=\"bearer abc\";"), cookie);
            assertFalse(cookie.contains("Domain="), "host-only: " + cookie);
            assertTrue(cookie.contains("Path=/"), cookie);
            assertTrue(cookie.contains("HTTPOnly") || cookie.contains("HttpOnly"), cookie);
            assertTrue(cookie.contains("SameSite=Strict"), cookie);
            assertEquals(scheme.equals("https"), cookie.contains("Secure"), cookie);
        }
    }

    private static String cookie(String authorization) {
        return "authorization=" + URLEncoder.encode(authorization, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
