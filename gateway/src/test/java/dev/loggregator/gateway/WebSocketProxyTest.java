package dev.loggregator.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.gateway.support.HttpBackend;
import dev.loggregator.gateway.support.RawHttp;
import dev.loggregator.gateway.support.RunningGateway;
import dev.loggregator.gateway.support.ScriptedBackend;
import dev.loggregator.gateway.support.WsBackend;
import dev.loggregator.gateway.support.WsClient;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** WebSocket upgrades: tunnel only after a real 101, forwarded headers on handshakes, streaming. */
class WebSocketProxyTest {
    static WsBackend ws;
    static HttpBackend plain;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        ws = new WsBackend("ws");
        plain = new HttpBackend("plain");
        gateway = RunningGateway.start(""
                + "  routes:\n"
                + "    - hosts: [plain.test]\n"
                + "      backends: [" + plain.address() + "]\n"
                + "    - hosts: ['*']\n"
                + "      backends: [" + ws.address() + "]\n");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        ws.close();
        plain.close();
    }

    private URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + gateway.port() + path);
    }

    @Test
    void echoesTextAndBinaryFramesThroughATunnel() throws Exception {
        WsClient client = WsClient.connect(uri("/echo"), Map.of());
        try {
            client.send("hello");
            assertEquals("ws:hello", client.next());
            client.send(ByteBuffer.wrap(new byte[200]));
            assertEquals("binary:200", client.next());
        } finally {
            client.closeBlocking();
        }
    }

    @Test
    void streamsManyMessagesInOrder() throws Exception {
        // An earlier test's backend connection may still be open: wait for this client's own.
        String path = "/stream-" + UUID.randomUUID();
        WsClient client = WsClient.connect(uri(path), Map.of());
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> ws.getConnections().stream()
                    .anyMatch(c -> path.equals(c.getResourceDescriptor())));
            for (int i = 0; i < 2000; i++) {
                ws.broadcastText("m" + i);
            }
            for (int i = 0; i < 2000; i++) {
                assertEquals("m" + i, client.next());
            }
        } finally {
            client.closeBlocking();
        }
    }

    @Test
    void addsForwardedHeadersToTheHandshakeAndResendsUpgrade() throws Exception {
        String id = "ws-" + UUID.randomUUID();
        WsClient client = WsClient.connect(uri("/headers?app=1"),
                Map.of("X-Forwarded-For", "198.51.100.7", "X-Request-Id", id));
        client.closeBlocking();
        Map<String, String> seen = ws.handshakes.stream().filter(h -> id.equals(h.get("x-request-id"))).findFirst().orElseThrow();
        assertEquals("198.51.100.7, 127.0.0.1", seen.get("x-forwarded-for"));
        assertEquals("http", seen.get("x-forwarded-proto"));
        assertEquals(Integer.toString(gateway.port()), seen.get("x-forwarded-port"));
        assertNotNull(seen.get("x-request-start"));
        assertEquals("websocket", seen.get("upgrade").toLowerCase());
        assertEquals("upgrade", seen.get("connection").toLowerCase());
        assertEquals("/headers?app=1", seen.get(":path"));
    }

    @Test
    void detectsUpgradeInAConnectionTokenListCaseInsensitively() {
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response response = http.send("GET /firefox HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive, Upgrade, X-Hop\r\n"
                    + "X-Hop: 1\r\nX-Request-Id: firefox-style\r\nUpgrade: WebSocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").read();
            assertEquals(101, response.status());
            assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", response.header("Sec-WebSocket-Accept"));
            assertEquals("upgrade", response.header("Connection").toLowerCase());
            // A masked text frame "hi" and the echo, unmasked, from the backend.
            http.send(new String(new byte[] {(byte) 0x81, (byte) 0x82, 1, 2, 3, 4, 'h' ^ 1, 'i' ^ 2}, java.nio.charset.StandardCharsets.ISO_8859_1));
            byte[] frame = http.readBytes(7);
            assertEquals((byte) 0x81, frame[0]);
            assertEquals("ws:hi", new String(frame, 2, 5, java.nio.charset.StandardCharsets.US_ASCII));
        }
        Map<String, String> seen = ws.handshakes.stream().filter(h -> "firefox-style".equals(h.get("x-request-id"))).findFirst().orElseThrow();
        assertNull(seen.get("x-hop"), "headers named in Connection are hop-by-hop");
        assertNull(seen.get("keep-alive"));
    }

    @Test
    void relaysANon101AnswerAsHttpAndKeepsTheConnectionHttp() {
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response refused = http.send("GET /not-a-socket HTTP/1.1\r\nHost: plain.test\r\nConnection: Upgrade\r\n"
                    + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").read();
            assertEquals(200, refused.status());
            assertTrue(refused.body().startsWith("backend=plain path=/not-a-socket"), refused.body());
            // gorouter#208: the next request on this connection must be parsed as HTTP, not piped.
            RawHttp.Response next = http.send("GET /next HTTP/1.1\r\nHost: plain.test\r\n\r\n").read();
            assertEquals(200, next.status());
            assertTrue(next.body().startsWith("backend=plain path=/next"), next.body());
            RawHttp.Response missing = http.send("GET /status/404 HTTP/1.1\r\nHost: plain.test\r\nConnection: Upgrade\r\n"
                    + "Upgrade: websocket\r\n\r\n").read();
            assertEquals(404, missing.status());
            assertNull(missing.header("X-Gateway-Error"));
        }
        HttpBackend.Received handshake = plain.received.stream().filter(r -> r.path().equals("/not-a-socket")).findFirst().orElseThrow();
        assertEquals("websocket", handshake.header("Upgrade"));
        assertEquals("127.0.0.1", handshake.header("X-Forwarded-For"));
    }

    @Test
    void bytesRightBehindTheHandshakeOnEitherSideAreRelayedInOrder() {
        try (ScriptedBackend eager = new ScriptedBackend(ScriptedBackend.Behaviour.UPGRADE_THEN_ECHO);
                RunningGateway own = RunningGateway.start("  routes:\n    - hosts: ['*']\n      backends: [" + eager.address() + "]\n");
                RawHttp http = new RawHttp(own.port())) {
            RawHttp.Response response = http.send("GET /eager HTTP/1.1\r\nHost: eager.test\r\nConnection: Upgrade\r\n"
                    + "Upgrade: websocket\r\n\r\nearly-from-client|").read();
            assertEquals(101, response.status());
            String expected = "early-from-backend|early-from-client|";
            assertEquals(expected, new String(http.readBytes(expected.length()), java.nio.charset.StandardCharsets.US_ASCII));
            http.send("later");
            assertEquals("later", new String(http.readBytes(5), java.nio.charset.StandardCharsets.US_ASCII));
        }
    }

    @Test
    void aClientThatEndsItsOutputRightBehindItsHandshakeEndsTheBackendsInputToo() throws Exception {
        try (ScriptedBackend eager = new ScriptedBackend(ScriptedBackend.Behaviour.UPGRADE_THEN_ECHO);
                RunningGateway own = RunningGateway.start("  routes:\n    - hosts: ['*']\n      backends: [" + eager.address() + "]\n")) {
            for (String early : List.of("early-from-client|", "")) {
                try (RawHttp http = new RawHttp(own.port())) {
                    http.send("GET /fin HTTP/1.1\r\nHost: fin.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n" + early);
                    http.socket().shutdownOutput();
                    assertEquals(101, http.read().status());
                    // The echo backend answers what it got, then closes at the end of its input: the FIN reached it.
                    assertEquals("early-from-backend|" + early, http.readUntilClosed(), "with early bytes: " + !early.isEmpty());
                }
            }
        }
    }

    @Test
    void closingTheClientClosesTheBackendSide() throws Exception {
        String path = "/close-" + UUID.randomUUID();
        WsClient client = WsClient.connect(uri(path), Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() -> ws.getConnections().stream()
                .anyMatch(c -> path.equals(c.getResourceDescriptor())));
        client.getSocket().close();
        await().atMost(Duration.ofSeconds(20)).until(() -> ws.getConnections().stream()
                .noneMatch(c -> path.equals(c.getResourceDescriptor())));
        assertFalse(client.isOpen());
    }
}
