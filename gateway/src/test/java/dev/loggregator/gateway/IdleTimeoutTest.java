package dev.loggregator.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.gateway.support.HttpBackend;
import dev.loggregator.gateway.support.RawHttp;
import dev.loggregator.gateway.support.RunningGateway;
import dev.loggregator.gateway.support.WsBackend;
import dev.loggregator.gateway.support.WsClient;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Idle timeouts of client connections and of tunnels (short ones, in a gateway of their own). */
class IdleTimeoutTest {
    static HttpBackend http;
    static WsBackend ws;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        http = new HttpBackend("idle-http");
        ws = new WsBackend("idle-ws");
        gateway = RunningGateway.start(""
                + "  timeouts: {client_idle_ms: 1500, http_request_ms: 1500, tunnel_idle_ms: 1500}\n"
                + "  routes:\n"
                + "    - hosts: [idle.test]\n"
                + "      backends: [" + http.address() + "]\n"
                + "    - hosts: ['*']\n"
                + "      backends: [" + ws.address() + "]\n");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        http.close();
        ws.close();
    }

    @Test
    void idleKeepAliveConnectionsAndUnfinishedRequestHeadsAreClosed() {
        try (RawHttp idle = new RawHttp(gateway.port()); RawHttp slow = new RawHttp(gateway.port())) {
            assertEquals(200, idle.send("GET /keep HTTP/1.1\r\nHost: idle.test\r\n\r\n").read().status());
            slow.send("GET /slowloris HTTP/1.1\r\nHost: idle.test\r\nX-Drip: 1");
            long start = System.nanoTime();
            assertTrue(idle.closedByServer());
            assertTrue(slow.readUntilClosed().startsWith("HTTP/1.1 408 "), "an unfinished head is answered 408, then closed");
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(25).toNanos(), "closed by the idle timeout, not the socket timeout");
        }
    }

    @Test
    void aTunnelWithNoTrafficIsClosedAfterTheTunnelIdleTimeoutButNotBefore() throws Exception {
        WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + gateway.port() + "/quiet"), Map.of());
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).until(() -> !client.isOpen());
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(1400).toNanos(), "closed before the idle timeout");
    }
}
