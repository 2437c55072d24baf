package dev.loggregator.doppler.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.manifest.ManifestException;
import dev.loggregator.testsupport.DopplerNode;
import dev.loggregator.testsupport.TestApps;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * The internal egress port (issue 15, finding 7): with {@code properties.internal_secret} every
 * request must present it; without one the port may only listen on an internal address.
 */
class EgressCredentialsTest {
    private static final String SECRET = "an-internal-secret-of-32-bytes-at-least";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void everyRequestMustPresentTheInternalSecret() throws Exception {
        try (DopplerNode doppler = DopplerNode.builder().name("egress-credentials").property("internal_secret", SECRET).start()) {
            String recent = "http://127.0.0.1:" + doppler.wsPort() + "/apps/" + TestApps.guid("a") + "/recentlogs";
            assertEquals(401, get(recent, null));
            assertEquals(401, get(recent, "Bearer not-the-secret-but-just-as-long-as-it"));
            assertEquals(200, get(recent, "Bearer " + SECRET));
            CompletionException refused = assertThrows(CompletionException.class, () -> HTTP.newWebSocketBuilder()
                    .buildAsync(URI.create(doppler.wsUrl("/firehose/peek")), new WebSocket.Listener() { }).join());
            assertTrue(refused.getCause() instanceof java.net.http.WebSocketHandshakeException handshake
                    && handshake.getResponse().statusCode() == 401, refused.getCause().toString());
            WebSocket allowed = HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + SECRET)
                    .buildAsync(URI.create(doppler.wsUrl("/firehose/peek")), new WebSocket.Listener() { }).join();
            allowed.abort();
            assertTrue(doppler.metric("doppler_refused_connections_total{reason=\"unauthorized\"}") >= 3);
        }
    }

    private static int get(String url, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void withoutASecretTheEgressPortListensOnlyOnInternalAddresses() throws Exception {
        for (String internal : new String[] {"127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "fd00::1", "fe80::1", "::1"}) {
            InternalAddresses.requireInternalOrSecret(new InetSocketAddress(InetAddress.getByName(internal), 8081), false, "d");
        }
        for (String exposed : new String[] {"0.0.0.0", "::", "203.0.113.7", "2001:db8::1"}) {
            InetSocketAddress bind = new InetSocketAddress(InetAddress.getByName(exposed), 8081);
            assertThrows(ManifestException.class, () -> InternalAddresses.requireInternalOrSecret(bind, false, "d"), exposed);
            InternalAddresses.requireInternalOrSecret(bind, true, "d");
        }
        assertFalse(InternalAddresses.isInternal(InetAddress.getByName("8.8.8.8")));
    }
}
