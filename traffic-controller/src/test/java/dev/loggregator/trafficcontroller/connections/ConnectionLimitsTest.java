package dev.loggregator.trafficcontroller.connections;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.trafficcontroller.support.Cluster;
import dev.loggregator.trafficcontroller.support.RawHttp;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connection exhaustion (issue 15, finding 3) against a real Traffic Controller: one address
 * holding its whole share is refused more while another address is served; connections that do
 * not complete a request, or idle after one, are cut.
 */
class ConnectionLimitsTest {
    private static final int PER_ADDRESS = 20;
    private static Cluster cluster;

    @BeforeAll
    static void start() throws IOException {
        cluster = Cluster.start(1, 1, """
                auth: {disable_access_control: true}
                limits: {max_connections_per_address: %d, request_timeout_seconds: 4, idle_timeout_seconds: 2}
                """.formatted(PER_ADDRESS));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void oneAddressHoldingItsShareIsRefusedWhileAnotherIsServed() throws Exception {
        List<RawHttp> flood = new ArrayList<>();
        try {
            long held = Cluster.sample(cluster.tcMetrics(0), "doppler_proxy_client_connections");
            for (int i = 0; i < PER_ADDRESS; i++) {
                flood.add(RawHttp.connect("127.0.0.1", cluster.tcPort(0)));
            }
            await().atMost(Duration.ofSeconds(3))
                    .until(() -> Cluster.sample(cluster.tcMetrics(0), "doppler_proxy_client_connections") >= held + PER_ADDRESS);
            try (RawHttp oneMore = RawHttp.connect("127.0.0.1", cluster.tcPort(0))) {
                String answer = oneMore.readToEnd();
                assertTrue(answer.startsWith("HTTP/1.1 503 "), answer);
            }
            try (RawHttp other = RawHttp.connect("127.0.0.2", cluster.tcPort(0))) {
                String answer = other.send("GET /no-such HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readToEnd();
                assertTrue(answer.startsWith("HTTP/1.1 404 "), answer);
            }
            assertTrue(cluster.tcMetrics(0).contains("doppler_proxy_refusals_total{reason=\"address_connection_limit\"}"));
        } finally {
            for (RawHttp connection : flood) {
                connection.close();
            }
        }
    }

    @Test
    void aRequestTrickledByteByByteIsCutWithA408() throws Exception {
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (RawHttp slowloris = RawHttp.connect("127.0.0.3", cluster.tcPort(0))) {
            byte[] request = "GET /no-such HTTP/1.1\r\nHost: x\r\nX-Padding: ".getBytes();
            int[] next = {0};
            trickle.scheduleAtFixedRate(() -> {
                try {
                    slowloris.socket().getOutputStream().write(request[next[0]++ % request.length]);
                } catch (IOException closed) {
                    // the server has cut it
                }
            }, 0, 250, TimeUnit.MILLISECONDS);
            long started = System.nanoTime();
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return slowloris.readToEnd();
                } catch (IOException e) {
                    return e.toString();
                }
            });
            await().atMost(Duration.ofSeconds(15)).until(answer::isDone);
            assertTrue(answer.get().startsWith("HTTP/1.1 408 "), answer.get());
            assertTrue(System.nanoTime() - started >= TimeUnit.SECONDS.toNanos(3), "cut at the deadline, not before");
        } finally {
            trickle.shutdownNow();
        }
    }

    @Test
    void aKeptAliveConnectionWithoutANextRequestIsClosed() throws Exception {
        try (RawHttp client = RawHttp.connect("127.0.0.4", cluster.tcPort(0))) {
            client.send("GET /no-such HTTP/1.1\r\nHost: x\r\n\r\n");
            CompletableFuture<String> rest = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.readToEnd();
                } catch (IOException e) {
                    return e.toString();
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(rest::isDone);
            assertTrue(rest.get().startsWith("HTTP/1.1 404 "), rest.get());
        }
        assertTrue(cluster.tcMetrics(0).contains("doppler_proxy_refusals_total{reason=\"idle_timeout\"}"));
    }
}
