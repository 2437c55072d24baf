package dev.loggregator.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.gateway.support.RawHttp;
import dev.loggregator.gateway.support.RunningGateway;
import dev.loggregator.gateway.support.WsBackend;
import dev.loggregator.gateway.support.WsClient;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Routes follow the manifest file at runtime; open streams keep flowing. */
class RouteReloadTest {

    private static String routes(WsBackend backend) {
        return "  reload_interval_ms: 200\n"
                + "  routes:\n"
                + "    - hosts: ['*']\n"
                + "      backends: [" + backend.address() + "]\n";
    }

    @Test
    void newConnectionsFollowTheNewRoutesWhileAnOpenStreamSurvives() throws Exception {
        try (WsBackend before = new WsBackend("before");
                WsBackend after = new WsBackend("after");
                RunningGateway gateway = RunningGateway.start(routes(before))) {
            URI uri = URI.create("ws://127.0.0.1:" + gateway.port() + "/stream");
            WsClient stream = WsClient.connect(uri, Map.of());
            stream.send("1");
            assertEquals("before:1", stream.next());

            gateway.rewrite(routes(after));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
                WsClient probe = WsClient.connect(uri, Map.of());
                try {
                    probe.send("probe");
                    return probe.next().startsWith("after:");
                } finally {
                    probe.closeBlocking();
                }
            });

            assertTrue(stream.isOpen(), "the stream opened before the reload is still open");
            stream.send("2");
            assertEquals("before:2", stream.next());
            before.broadcastText("pushed after reload");
            assertEquals("pushed after reload", stream.next());
            stream.closeBlocking();
        }
    }

    @Test
    void aBrokenManifestKeepsTheCurrentRoutes() throws Exception {
        try (WsBackend backend = new WsBackend("kept");
                RunningGateway gateway = RunningGateway.start(routes(backend))) {
            java.nio.file.Files.writeString(gateway.manifestFile(), "gateway: {enabled: true, routes: [{hosts: []}]}\n");
            // Give the reloader several chances to (wrongly) apply it.
            await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> true);
            WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + gateway.port() + "/"), Map.of());
            client.send("x");
            assertEquals("kept:x", client.next());
            client.closeBlocking();
            assertEquals(200, RawHttp.get(gateway.adminPort(), "127.0.0.1", "/health").status());
        }
    }
}
