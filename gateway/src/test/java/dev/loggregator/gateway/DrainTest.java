package dev.loggregator.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.gateway.support.HttpBackend;
import dev.loggregator.gateway.support.Metrics;
import dev.loggregator.gateway.support.RawHttp;
import dev.loggregator.gateway.support.RunningGateway;
import dev.loggregator.gateway.support.WsBackend;
import dev.loggregator.gateway.support.WsClient;
import dev.loggregator.testsupport.FreePorts;
import dev.loggregator.testsupport.JavaProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The real process: health, SIGTERM drain (stop accepting, keep tunnels until the deadline, then 1001), exit 0, bad manifests. */
class DrainTest {

    @Test
    void sigtermStopsAcceptingClosesIdleConnectionsAndKeepsTunnelsUntilTheDeadline() throws Exception {
        try (WsBackend ws = new WsBackend("drain"); HttpBackend http = new HttpBackend("drain-http")) {
            int port = FreePorts.next();
            int admin = FreePorts.next();
            Path manifest = Files.createTempFile("gateway-drain-", ".yml");
            Files.writeString(manifest, RunningGateway.manifest(port, admin, ""
                    + "  drain_deadline_ms: 15000\n" // room for a slow machine to check the tunnel first
                    + "  routes:\n"
                    + "    - hosts: [http.test]\n"
                    + "      backends: [" + http.address() + "]\n"
                    + "    - hosts: ['*']\n"
                    + "      backends: [" + ws.address() + "]\n", false));
            try (JavaProcess gateway = JavaProcess.start("gateway", GatewayMain.class.getName(), "--manifest", manifest.toString())) {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                        .until(() -> Metrics.get(admin, "/health").statusCode() == 200);
                assertEquals("{\"status\":\"UP\"}", Metrics.get(admin, "/health").body());

                WsClient stream = WsClient.connect(URI.create("ws://127.0.0.1:" + port + "/stream"), Map.of());
                RawHttp idle = new RawHttp(port);
                assertEquals(200, idle.send("GET / HTTP/1.1\r\nHost: http.test\r\n\r\n").read().status());

                gateway.process().destroy(); // SIGTERM
                long termAt = System.nanoTime();
                assertTrue(idle.closedByServer(), "an idle keep-alive connection is closed at once");
                await().atMost(Duration.ofSeconds(5)).until(() -> !accepts(port));
                stream.send("still here");
                assertEquals("drain:still here", stream.next());
                assertTrue(System.nanoTime() - termAt < Duration.ofSeconds(15).toNanos() || !stream.isOpen());

                await().atMost(Duration.ofSeconds(30)).until(() -> !stream.isOpen());
                assertEquals(1001, stream.closeCode, "at the deadline the tunnel ends with a Close frame (going away)");
                assertTrue(gateway.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
                assertEquals(0, gateway.process().exitValue(), gateway.output());
                assertTrue(gateway.output().contains("tunnel 127.0.0.1"), "the tunnel got its access-log line");
            } finally {
                Files.deleteIfExists(manifest);
            }
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aBadManifestIsOneLineOnStderrAndExitStatus2() throws Exception {
        Path manifest = Files.createTempFile("gateway-bad-", ".yml");
        Files.writeString(manifest, "gateway:\n  enabled: true\n  routes:\n    - hosts: [a.test]\n      backends: [nope]\n"
                + "traffic_controller: {auth: {disable_access_control: true}}\n");
        try (JavaProcess gateway = JavaProcess.start("gateway-bad", GatewayMain.class.getName(), "--manifest", manifest.toString())) {
            assertTrue(gateway.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(2, gateway.process().exitValue());
            assertTrue(gateway.output().contains("gateway.routes[0].backends[0]"), gateway.output());
        } finally {
            Files.deleteIfExists(manifest);
        }
    }
}
