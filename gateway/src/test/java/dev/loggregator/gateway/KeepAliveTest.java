package dev.loggregator.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.loggregator.gateway.support.RawHttp;
import dev.loggregator.gateway.support.RunningGateway;
import dev.loggregator.gateway.support.WsBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Both halves of a proxied connection have TCP keep-alive on: the client's because it is accepted
 * from a listening socket that has it (Linux copies it to accepted sockets; the gateway sets no
 * option per accepted connection), the backend's as it is dialled. Read from the kernel's socket
 * table, where an idle socket with keep-alive shows its keep-alive timer (timer kind 2).
 */
class KeepAliveTest {
    static WsBackend ws;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "needs Linux's /proc/net/tcp");
        ws = new WsBackend("keepalive-ws");
        gateway = RunningGateway.start(""
                + "  routes:\n"
                + "    - hosts: ['*']\n"
                + "      backends: [" + ws.address() + "]\n");
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
            ws.close();
        }
    }

    @Test
    void acceptedAndDialledConnectionsOfATunnelKeepAlive() {
        int backendPort = Integer.parseInt(ws.address().substring(ws.address().lastIndexOf(':') + 1));
        try (RawHttp client = new RawHttp(gateway.port())) {
            client.send("GET /ka HTTP/1.1\r\nHost: ka.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
            assertEquals(101, client.readHead().status());
            int clientPort = client.socket().getLocalPort();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                List<String> accepted = timers(gateway.port(), clientPort);
                assertEquals(List.of("02"), accepted, "the gateway's socket of the client connection: its timer kind");
                List<String> dialled = timers(-1, backendPort);
                assertFalse(dialled.isEmpty(), "no connection to the backend");
                assertEquals(List.of("02"), dialled.stream().distinct().toList(), "the gateway's sockets to the backend: their timer kinds");
            });
        }
    }

    /** Timer kinds of the established sockets with these ports (a local port of -1: any). */
    private static List<String> timers(int localPort, int remotePort) {
        List<String> kinds = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length < 6 || !f[3].equals("01")) { // 01: ESTABLISHED
                        continue;
                    }
                    int local = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                    int remote = Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16);
                    if ((localPort == -1 || local == localPort) && remote == remotePort) {
                        kinds.add(f[5].substring(0, 2));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return kinds;
    }
}
