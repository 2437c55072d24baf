package dev.loggregator.trafficcontroller.api;

import static dev.loggregator.testsupport.TestApps.guid;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.trafficcontroller.support.Cluster;
import dev.loggregator.trafficcontroller.support.Envelopes;
import dev.loggregator.trafficcontroller.support.Probes;
import dev.loggregator.trafficcontroller.support.RawHttp;
import dev.loggregator.trafficcontroller.support.StreamClient;
import dev.loggregator.trafficcontroller.support.Tokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Single requests that used to hurt others (issue 15): an app id that took the shared Doppler link
 * down, malformed requests answered with a closed connection, pipelined requests answered out of order.
 */
class HostileRequestsTest {
    private static final Tokens TOKENS = new Tokens();
    private static final String ADMIN = TOKENS.bearer(Duration.ofHours(1), "doppler.admin", "doppler.firehose");
    private static final String UPGRADE = "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    private static Cluster cluster;

    @BeforeAll
    static void start() throws IOException {
        Path pem = TOKENS.writePublicKeyPem(Files.createTempFile("jwt", ".pem"));
        cluster = Cluster.start(1, 1, """
                auth:
                  jwt: {public_key_pem: %s}
                """.formatted(pem));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void anAppIdThatIsNotAGuidIsRefusedAndEveryOtherStreamKeepsFlowing() throws Exception {
        String app = guid("steady");
        StreamClient steady = StreamClient.open(cluster.ws(0) + "/apps/" + app + "/stream", ADMIN);
        try (RawHttp attacker = RawHttp.connect(cluster.tcPort(0))) {
            Probes.awaitFlowing(cluster, app, steady);
            long reconnects = Cluster.sample(cluster.tcMetrics(0), "doppler_proxy_doppler_reconnects_total");
            attacker.send("GET /apps/" + "a".repeat(1100) + "/stream HTTP/1.1\r\nHost: x\r\nAuthorization: " + ADMIN
                    + "\r\n" + UPGRADE + "\r\n");
            String answer = attacker.readUntil("\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 401 "), answer);
            // The attacker keeps its connection open; the others' stream goes on.
            for (int i = 0; i < 20; i++) {
                cluster.emit(0, Envelopes.log(app, "after-" + i));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> steady.texts().contains("after-19"));
            assertEquals(reconnects, Cluster.sample(cluster.tcMetrics(0), "doppler_proxy_doppler_reconnects_total"),
                    "no Doppler link was dropped");
            assertEquals(401, Cluster.get(cluster.http(0) + "/apps/not-a-guid/recentlogs", "Authorization", ADMIN).statusCode());
            assertEquals(401, Cluster.get(cluster.http(0) + "/recent?app=not-a-guid", "Authorization", ADMIN).statusCode());
        } finally {
            steady.closeBlocking();
        }
    }

    @Test
    void malformedRequestsGetA4xxInsteadOfAClosedConnection() throws Exception {
        for (String request : new String[] {
                "GET /apps/%zz/stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + UPGRADE + "\r\n",
                "GET /firehose/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "GET /apps/" + guid("x") + "/recentlogs?limit=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                form("CookieName=authorization&CookieValue=a%0D%0ASet-Cookie:%20evil=1"),
                form("CookieName=authorization&CookieValue=%zz"),
                form("CookieName=a%0Db&CookieValue=x")}) {
            try (RawHttp client = RawHttp.connect(cluster.tcPort(0))) {
                String answer = client.send(request).readToEnd();
                assertTrue(answer.startsWith("HTTP/1.1 4"), request + "\n->\n" + answer);
                assertTrue(!answer.toLowerCase().contains("evil"), answer);
            }
        }
        String metrics = cluster.tcMetrics(0);
        assertTrue(metrics.contains("doppler_proxy_refusals_total{reason=\"malformed_path\"}"), metrics);
    }

    @Test
    void aFloodOfMalformedRequestsWritesAtMostALineOrTwoToTheLog() throws Exception {
        // Issue 15, finding 5: each malformed request line was an INFO line with a stack trace.
        int before = cluster.trafficController(0).output().split("\n").length;
        for (int i = 0; i < 30; i++) {
            try (RawHttp client = RawHttp.connect(cluster.tcPort(0))) {
                assertTrue(client.send("\u0001\u0002 garbage " + i + "\r\n\r\n").readToEnd().startsWith("HTTP/1.1 400"));
            }
        }
        String[] lines = cluster.trafficController(0).output().split("\n");
        java.util.List<String> added = java.util.List.of(lines).subList(Math.min(before, lines.length), lines.length);
        assertTrue(added.size() <= 3, "at most one line per kind every 10 s, got:\n" + String.join("\n", added));
    }

    private static String form(String body) {
        return "POST /set-cookie HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        String app = guid("pipelined");
        cluster.emit(0, Envelopes.log(app, "kept"));
        await().atMost(Duration.ofSeconds(20)).until(() ->
                Cluster.getBytes(cluster.http(0) + "/apps/" + app + "/recentlogs", "Authorization", ADMIN).body().length > 50);
        try (RawHttp client = RawHttp.connect(cluster.tcPort(0))) {
            String answer = client.send("GET /apps/" + app + "/recentlogs HTTP/1.1\r\nHost: x\r\nAuthorization: " + ADMIN
                    + "\r\n\r\nGET /no-such-path HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readToEnd();
            int ok = answer.indexOf("HTTP/1.1 200 OK");
            int notFound = answer.indexOf("HTTP/1.1 404 Not Found");
            assertTrue(ok == 0 && notFound > ok, answer);
            assertTrue(answer.substring(ok, notFound).contains("kept"), "the first answer is complete: " + answer);
        }
    }
}
