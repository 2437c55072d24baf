package dev.loggregator.trafficcontroller.connections;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.loggregator.trafficcontroller.support.Cluster;
import dev.loggregator.trafficcontroller.support.RawHttp;
import dev.loggregator.trafficcontroller.support.Tokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, finding 4: one firehose token cannot hold more than its share of streams, nor one
 * subscription id, while other tokens are served; a closed stream gives its place back.
 */
class StreamQuotaTest {
    private static final byte[] SECRET = "a-shared-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8);
    private static Cluster cluster;
    private final List<RawHttp> held = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        cluster = Cluster.start(1, 1, """
                auth: {jwt: {hs256_secret: "%s"}}
                limits: {max_streams_per_token: 3, max_streams_per_subscription: 2}
                """.formatted(new String(SECRET, StandardCharsets.UTF_8)));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void closeStreams() throws IOException {
        for (RawHttp stream : held) {
            stream.close();
        }
        held.clear();
    }

    private static String token(String client) {
        return "bearer " + Tokens.hs256(SECRET, new JWTClaimsSet.Builder().subject(client)
                .claim("scope", List.of("doppler.firehose"))
                .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1)))).build());
    }

    /** Sends a WebSocket handshake and returns the answer's head; the connection is kept for the test. */
    private String open(String path, String token) throws IOException {
        RawHttp client = RawHttp.connect(cluster.tcPort(0));
        held.add(client);
        return client.send("GET " + path + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Authorization: " + token + "\r\n\r\n").readUntil("\r\n\r\n");
    }

    private static void assertStatus(int status, String head) {
        assertTrue(head.startsWith("HTTP/1.1 " + status + " "), head);
    }

    @Test
    void aTokenAndASubscriptionHoldOnlyTheirShare() throws Exception {
        String nozzle = token("nozzle");
        assertStatus(101, open("/firehose/s1", nozzle));
        assertStatus(101, open("/firehose/s1", nozzle));
        assertStatus(429, open("/firehose/s1", nozzle));
        assertStatus(101, open("/firehose/s2", nozzle));
        assertStatus(429, open("/firehose/s3", nozzle));
        assertStatus(101, open("/firehose/s3", token("another-nozzle")));
        String metrics = cluster.tcMetrics(0);
        assertTrue(metrics.contains("doppler_proxy_refusals_total{reason=\"subscription_stream_limit\"} 1.0"), metrics);
        assertTrue(metrics.contains("doppler_proxy_refusals_total{reason=\"token_stream_limit\"} 1.0"), metrics);

        // The v2 API counts against the same token.
        RawHttp v2 = RawHttp.connect(cluster.tcPort(0));
        held.add(v2);
        String answer = v2.send("GET /v2/read?log HTTP/1.1\r\nHost: x\r\nAuthorization: " + nozzle + "\r\n\r\n")
                .readUntil("}");
        assertStatus(429, answer);
        assertTrue(answer.contains("token_stream_limit"), answer);

        held.remove(0).close();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            String head = open("/firehose/s3", nozzle);
            return head.startsWith("HTTP/1.1 101 ");
        });
    }
}
