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
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.java_websocket.WebSocket;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A reload with real gateway processes: a second gateway started on the same manifest takes the
 * listening sockets over from the first (as {@code bin/loggregator reload} does), which then drains
 * and exits; nothing is refused meanwhile, and WebSocket tunnels of the old process end with 1001.
 */
class SeamlessReloadTest {

    private static Path manifest(int port, int admin, String rest) throws Exception {
        Path file = Files.createTempFile("gateway-reload-", ".yml");
        Files.writeString(file, RunningGateway.manifest(port, admin, rest, false));
        return file;
    }

    private static JavaProcess startGateway(String name, Path manifest) {
        return JavaProcess.start(name, GatewayMain.class.getName(), "--manifest", manifest.toString());
    }

    /** Waits until {@code /health} is 200 and answered by {@code gateway}'s own process. */
    private static void awaitHealthy(int admin, JavaProcess gateway) {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            HttpResponse<String> health = Metrics.get(admin, "/health");
            return health.statusCode() == 200
                    && health.headers().firstValue("X-Process-Id").orElse("").equals(Long.toString(gateway.pid()));
        });
    }

    /**
     * Each event loop accepts on its own socket of the port: the successor takes over every one,
     * also when it has fewer loops (some accept on two) or more (it binds more beside them).
     */
    @ParameterizedTest(name = "event loops {0} -> {1}")
    @CsvSource({"2, 1", "1, 2"})
    void aClientHammeringNewConnectionsAcrossAReloadIsNeverRefused(int oldThreads, int newThreads) throws Exception {
        int port = FreePorts.next();
        int admin = FreePorts.next();
        try (HttpBackend backend = new HttpBackend("app")) {
            String rest = "  drain_deadline_ms: 10000\n"
                    + "  routes:\n    - hosts: ['*']\n      backends: [" + backend.address() + "]\n";
            Path manifest = manifest(port, admin, rest + "  threads: " + oldThreads + "\n");
            Path successorManifest = manifest(port, admin, rest + "  threads: " + newThreads + "\n");
            try (JavaProcess old = startGateway("gateway-old", manifest)) {
                awaitHealthy(admin, old);
                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger served = new AtomicInteger();
                ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
                List<Thread> hammers = List.of(hammer(port, stop, served, failures), hammer(port, stop, served, failures));
                hammers.forEach(Thread::start);
                await().atMost(Duration.ofSeconds(30)).until(() -> served.get() >= 200);

                try (JavaProcess successor = startGateway("gateway-new", successorManifest)) {
                    awaitHealthy(admin, successor);
                    assertTrue(old.process().waitFor(60, TimeUnit.SECONDS), "the old gateway drains and exits on its own");
                    assertEquals(0, old.process().exitValue(), old.output());
                    int afterExit = served.get();
                    await().atMost(Duration.ofSeconds(30)).until(() -> served.get() >= afterExit + 200);
                    stop.set(true);
                    for (Thread hammer : hammers) {
                        hammer.join(30_000);
                    }
                    assertEquals(List.of(), List.copyOf(failures), "every connection across the reload was accepted and answered");
                    assertTrue(old.output().contains("status=200"), "the old process served some requests");
                    assertTrue(successor.output().contains(oldThreads + " socket(s) taken over from the previous gateway process"),
                            successor.output());
                    assertTrue(successor.output().contains("status=200"), "the new process served some requests");
                    assertEquals(200, RawHttp.get(port, "any.test", "/after").status());
                }
            } finally {
                Files.deleteIfExists(manifest);
                Files.deleteIfExists(successorManifest);
            }
        }
    }

    /** New connections one after the other, each with one request, until told to stop. */
    private static Thread hammer(int port, AtomicBoolean stop, AtomicInteger served, ConcurrentLinkedQueue<String> failures) {
        return new Thread(() -> {
            while (!stop.get()) {
                try {
                    RawHttp.Response response = RawHttp.get(port, "any.test", "/n");
                    if (response.status() == 200) {
                        served.incrementAndGet();
                    } else {
                        failures.add("status " + response.status() + ": " + response.body());
                    }
                } catch (RuntimeException e) {
                    failures.add(e.toString());
                }
            }
        }, "hammer");
    }

    @Test
    void aWebSocketOnTheOldProcessFlowsDuringTheDrainAndThenGets1001BothWaysAlsoAfterSigterm() throws Exception {
        int port = FreePorts.next();
        int admin = FreePorts.next();
        try (WsBackend backend = new WsBackend("ws")) {
            Path manifest = manifest(port, admin, "  drain_deadline_ms: 4000\n"
                    + "  routes:\n    - hosts: ['*']\n      backends: [" + backend.address() + "]\n");
            try (JavaProcess old = startGateway("gateway-old", manifest)) {
                awaitHealthy(admin, old);
                URI uri = URI.create("ws://127.0.0.1:" + port + "/stream");
                WsClient stream = WsClient.connect(uri, Map.of());
                stream.send("before");
                assertEquals("ws:before", stream.next());

                try (JavaProcess successor = startGateway("gateway-new", manifest)) {
                    awaitHealthy(admin, successor);
                    old.process().destroy(); // SIGTERM, as bin/loggregator reload sends it: the drain goes on as it was
                    stream.send("during the drain");
                    assertEquals("ws:during the drain", stream.next(), "the old process still relays its tunnel");
                    // Large frames keep flowing to the client, so the deadline may well fall in the middle of one.
                    Thread pusher = new Thread(() -> {
                        while (stream.isOpen()) {
                            for (WebSocket connection : backend.getConnections()) {
                                if (!connection.hasBufferedData()) {
                                    try {
                                        connection.send(ByteBuffer.allocate(256 * 1024));
                                    } catch (WebsocketNotConnectedException closedMeanwhile) {
                                        // The backend's side got its 1001 before the client, still reading
                                        // the frames queued before its own: asserted below.
                                    }
                                }
                            }
                            LockSupport.parkNanos(2_000_000); // pacing: the library queues without bound
                        }
                    }, "pusher");
                    pusher.start();

                    await().atMost(Duration.ofSeconds(30)).until(() -> stream.closeCode != -1);
                    assertEquals(1001, stream.closeCode, "the client got a Close frame with 1001, not a cut connection (1006)");
                    assertEquals(null, stream.error, "and no broken frame before it");
                    await().atMost(Duration.ofSeconds(10)).until(() -> backend.closeCodes.contains(1001));
                    pusher.join(10_000);
                    assertTrue(old.process().waitFor(30, TimeUnit.SECONDS));
                    assertEquals(0, old.process().exitValue(), old.output());
                    assertTrue(old.output().contains("close=drain_deadline"), old.output());

                    WsClient again = WsClient.connect(uri, Map.of());
                    again.send("reconnected");
                    assertEquals("ws:reconnected", again.next());
                    again.closeBlocking();
                }
            } finally {
                Files.deleteIfExists(manifest);
            }
        }
    }

    /**
     * The old process ends its tunnels one at a time, spread over the drain time, rather than all at
     * its deadline: clients reconnect a few at a time, and one member of a shared subscription keeps
     * streaming while another reconnects.
     */
    @Test
    void afterAHandOverTheOldProcessMovesItsTunnelsOneAtATimeSpreadOverTheDrainTime() throws Exception {
        int port = FreePorts.next();
        int admin = FreePorts.next();
        try (WsBackend backend = new WsBackend("ws")) {
            Path manifest = manifest(port, admin, "  drain_deadline_ms: 6000\n"
                    + "  routes:\n    - hosts: ['*']\n      backends: [" + backend.address() + "]\n");
            try (JavaProcess old = startGateway("gateway-old", manifest)) {
                awaitHealthy(admin, old);
                URI uri = URI.create("ws://127.0.0.1:" + port + "/stream");
                List<WsClient> streams = new java.util.ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    WsClient stream = WsClient.connect(uri, Map.of());
                    stream.send("before " + i);
                    assertEquals("ws:before " + i, stream.next());
                    streams.add(stream);
                }

                try (JavaProcess successor = startGateway("gateway-new", manifest)) {
                    awaitHealthy(admin, successor);
                    await().atMost(Duration.ofSeconds(30)).until(() -> streams.stream().anyMatch(s -> s.closeCode != -1));
                    List<WsClient> open = streams.stream().filter(s -> s.closeCode == -1).toList();
                    // One turn every 1.2 s (6 s over 4 tunnels + 1): the first has moved, the others stream on.
                    assertEquals(3, open.size(), "one tunnel moved, not all at once");
                    for (WsClient stream : open) {
                        stream.send("still here");
                        assertEquals("ws:still here", stream.next(), "the old process relays the tunnels not yet moved");
                    }
                    await().atMost(Duration.ofSeconds(30)).until(() -> streams.stream().allMatch(s -> s.closeCode != -1));
                    for (WsClient stream : streams) {
                        assertEquals(1001, stream.closeCode, "each got a Close frame with 1001, not a cut connection");
                    }
                    assertTrue(old.process().waitFor(30, TimeUnit.SECONDS));
                    assertTrue(old.output().contains("moving 4 connections to the new process"), old.output());
                }
            } finally {
                Files.deleteIfExists(manifest);
            }
        }
    }
}
