package dev.loggregator.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.loggregator.gateway.support.HttpBackend;
import dev.loggregator.gateway.support.RawHttp;
import dev.loggregator.gateway.support.RunningGateway;
import dev.loggregator.gateway.support.WsBackend;
import dev.loggregator.gateway.support.WsClient;
import io.netty.channel.uring.IoUring;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code transport: io_uring}: WebSocket tunnels and HTTP requests relayed on two io_uring event loops. */
class IoUringTransportTest {
    static WsBackend ws;
    static HttpBackend plain;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring is not available on this kernel: " + IoUring.unavailabilityCause());
        ws = new WsBackend("ws");
        plain = new HttpBackend("plain");
        gateway = RunningGateway.start(""
                + "  transport: io_uring\n"
                + "  threads: 2\n"
                + "  routes:\n"
                + "    - hosts: [plain.test]\n"
                + "      backends: [" + plain.address() + "]\n"
                + "    - hosts: ['*']\n"
                + "      backends: [" + ws.address() + "]\n");
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
            ws.close();
            plain.close();
        }
    }

    @Test
    void relaysWebSocketTunnelsOnEveryLoop() throws Exception {
        // Several connections, so that both loops' listening sockets (SO_REUSEPORT) accept some.
        for (int i = 0; i < 8; i++) {
            WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + gateway.port() + "/echo"), Map.of());
            try {
                client.send("hello " + i);
                assertEquals("ws:hello " + i, client.next());
                client.send(ByteBuffer.wrap(new byte[70_000]));
                assertEquals("binary:70000", client.next());
            } finally {
                client.closeBlocking();
            }
        }
    }

    @Test
    void relaysHttpRequestsOnOneConnection() {
        try (RawHttp http = new RawHttp(gateway.port())) {
            for (int i = 0; i < 3; i++) {
                RawHttp.Response response = http.send("GET /r" + i + " HTTP/1.1\r\nHost: plain.test\r\n\r\n").read();
                assertEquals(200, response.status());
                assertTrue(response.body().startsWith("backend=plain path=/r" + i), response.body());
            }
        }
    }
}
