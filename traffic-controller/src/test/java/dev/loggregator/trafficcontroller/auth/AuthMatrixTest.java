package dev.loggregator.trafficcontroller.auth;

import static dev.loggregator.testsupport.TestApps.guid;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.trafficcontroller.support.Cluster;
import dev.loggregator.trafficcontroller.support.FakeCloudController;
import dev.loggregator.trafficcontroller.support.StreamClient;
import dev.loggregator.trafficcontroller.support.Tokens;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Status codes, bodies and headers of loggregator-v1-reference §2.3 for every kind of token, with
 * real RS256/HS256 JWTs and a fake Cloud Controller speaking HTTP. A request that passes auth on
 * a stream path without an upgrade gets 400, which is how these checks tell "allowed" apart.
 */
class AuthMatrixTest {
    private static final Tokens UAA = new Tokens();
    private static final Tokens IMPOSTOR = new Tokens();
    private static final byte[] HS256_SECRET = "a-shared-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8);
    private static final String USER = UAA.bearer(Duration.ofHours(1), "openid", "cloud_controller.read");
    private static FakeCloudController cloudController;
    private static Cluster cluster;

    @BeforeAll
    static void start() throws IOException {
        Path pem = UAA.writePublicKeyPem(Files.createTempFile("jwt", ".pem"));
        cloudController = new FakeCloudController()
                .answer(guid("allowed-app"), 200).answer(guid("cc-401-app"), 401).answer(guid("forbidden-app"), 403)
                .answer(guid("missing-app"), 404).answer(guid("broken-app"), 500);
        cluster = Cluster.start(1, 1, """
                auth:
                  jwt: {public_key_pem: %s, hs256_secret: "%s"}
                  cloud_controller: {url: "%s", cache_seconds: 1}
                  admin_scopes: [doppler.admin]
                """.formatted(pem, new String(HS256_SECRET, StandardCharsets.UTF_8), cloudController.url()));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        cloudController.close();
    }

    private static HttpResponse<String> get(String path, String authorization) throws IOException {
        return authorization == null ? Cluster.get(cluster.http(0) + path)
                : Cluster.get(cluster.http(0) + path, "Authorization", authorization);
    }

    private static void assertUnauthorized(HttpResponse<String> response, String body) {
        assertEquals(401, response.statusCode(), response.body());
        assertEquals("Basic", response.headers().firstValue("WWW-Authenticate").orElse(null));
        assertEquals(body, response.body());
    }

    @Test
    void firehoseNeedsAValidTokenWithTheFirehoseScope() throws IOException {
        assertUnauthorized(get("/firehose/sub", null), AccessPolicy.NOT_PROVIDED);
        assertUnauthorized(get("/firehose/sub", IMPOSTOR.bearer(Duration.ofHours(1), "doppler.firehose")),
                AccessPolicy.INVALID);
        assertUnauthorized(get("/firehose/sub", UAA.bearer(Duration.ofMinutes(-5), "doppler.firehose")),
                AccessPolicy.INVALID);
        assertUnauthorized(get("/firehose/sub", UAA.bearer(Duration.ofHours(1), "doppler.admin")), AccessPolicy.INVALID);
        assertUnauthorized(get("/firehose/sub", "bearer not-a-jwt"), AccessPolicy.INVALID);
        String valid = UAA.bearer(Duration.ofHours(1), "doppler.firehose");
        assertUnauthorized(get("/firehose/sub", valid.substring("bearer ".length())), AccessPolicy.INVALID);
        assertUnauthorized(get("/firehose/sub", "Basic " + valid.substring("bearer ".length())), AccessPolicy.INVALID);
        assertEquals(400, get("/firehose/sub", UAA.bearer(Duration.ofHours(1), "doppler.firehose")).statusCode());
        String hs256 = "bearer " + Tokens.hs256(HS256_SECRET, Tokens.claims(Duration.ofHours(1), "doppler.firehose"));
        assertEquals(400, get("/firehose/sub", hs256).statusCode());
        String wrongSecret = "bearer " + Tokens.hs256("another-secret-that-is-32-bytes-long".getBytes(StandardCharsets.UTF_8),
                Tokens.claims(Duration.ofHours(1), "doppler.firehose"));
        assertUnauthorized(get("/firehose/sub", wrongSecret), AccessPolicy.INVALID);
    }

    @Test
    void appEndpointsRefuseMissingForgedAndExpiredTokensWith401() throws IOException {
        for (String endpoint : new String[] {"stream", "recentlogs", "containermetrics"}) {
            String path = "/apps/" + guid("allowed-app") + "/" + endpoint;
            assertUnauthorized(get(path, null), "");
            assertUnauthorized(get(path, IMPOSTOR.bearer(Duration.ofHours(1), "doppler.admin")), "");
            assertUnauthorized(get(path, UAA.bearer(Duration.ofSeconds(-30), "doppler.admin")), "");
        }
    }

    @Test
    void cloudControllerLogAccessDecidesForOrdinaryUsers() throws IOException {
        assertEquals(400, get("/apps/" + guid("allowed-app") + "/stream", USER).statusCode());
        assertEquals(200, get("/apps/" + guid("allowed-app") + "/recentlogs", USER).statusCode());
        assertUnauthorized(get("/apps/" + guid("cc-401-app") + "/stream", USER), "");
        assertEquals(404, get("/apps/" + guid("forbidden-app") + "/stream", USER).statusCode());
        assertEquals(404, get("/apps/" + guid("missing-app") + "/recentlogs", USER).statusCode());
        assertEquals(500, get("/apps/" + guid("broken-app") + "/containermetrics", USER).statusCode());
        assertTrue(cloudController.requests().contains(guid("allowed-app") + " " + USER), cloudController.requests().toString());
    }

    @Test
    void adminScopesNeedNoCloudControllerAnswer() throws IOException {
        String admin = UAA.bearer(Duration.ofHours(1), "doppler.admin");
        assertEquals(400, get("/apps/" + guid("forbidden-app") + "/stream", admin).statusCode());
        assertEquals(200, get("/apps/" + guid("unknown-to-cc") + "/recentlogs", admin).statusCode());
        assertFalse(cloudController.requests().stream().anyMatch(r -> r.startsWith(guid("unknown-to-cc") + " ")));
    }

    @Test
    void theAuthorizationCookieWorksWhenThereIsNoHeader() throws IOException {
        String cookie = "authorization=" + URLEncoder.encode(USER, StandardCharsets.UTF_8);
        assertEquals(400, Cluster.get(cluster.http(0) + "/apps/" + guid("allowed-app") + "/stream", "Cookie", cookie).statusCode());
        String firehoseCookie = "authorization=" + URLEncoder.encode(
                UAA.bearer(Duration.ofHours(1), "doppler.firehose"), StandardCharsets.UTF_8);
        assertEquals(400, Cluster.get(cluster.http(0) + "/firehose/c", "Cookie", firehoseCookie).statusCode());
        assertUnauthorized(Cluster.get(cluster.http(0) + "/firehose/c", "Cookie", "other=1"), AccessPolicy.NOT_PROVIDED);
    }

    @Test
    void aStreamIsClosedWith1008WhenItsTokenExpires() throws Exception {
        java.time.Instant expiry = java.time.Instant.now().plusSeconds(10);
        StreamClient firehose = StreamClient.open(cluster.ws(0) + "/firehose/expiring",
                UAA.bearer(Duration.ofSeconds(10), "doppler.firehose"));
        StreamClient app = StreamClient.open(cluster.ws(0) + "/apps/" + guid("allowed-app") + "/stream",
                UAA.bearer(Duration.ofSeconds(10), "openid"));
        await().atMost(Duration.ofSeconds(60)).until(() -> firehose.closeCode() != -2 && app.closeCode() != -2);
        // Closed because the token ran out, not earlier (exp has one-second resolution).
        assertTrue(java.time.Instant.now().isAfter(expiry.minusSeconds(2)), "closed before the token expired");
        for (StreamClient client : new StreamClient[] {firehose, app}) {
            assertEquals(1008, client.closeCode());
            assertTrue(client.closeReason().contains("expired"), client.closeReason());
            assertTrue(client.closedByServer());
        }
    }
}
