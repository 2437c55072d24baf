package dev.loggregator.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.gateway.support.HttpBackend;
import dev.loggregator.gateway.support.Metrics;
import dev.loggregator.gateway.support.RawHttp;
import dev.loggregator.gateway.support.RunningGateway;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connection exhaustion (issue 15, finding 3): one address opening connections it never uses is
 * held to its share while other addresses are served, and connections that do not deliver a
 * request head in time are cut long before the keep-alive idle timeout.
 */
class ConnectionExhaustionTest {
    private static final int PER_ADDRESS = 10;
    static HttpBackend backend;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        backend = new HttpBackend("backend");
        gateway = RunningGateway.start(""
                + "  limits: {max_connections_per_address: " + PER_ADDRESS + "}\n"
                + "  timeouts: {http_request_ms: 1500, client_idle_ms: 30000}\n"
                + "  routes:\n"
                + "    - hosts: ['*']\n"
                + "      backends: [" + backend.address() + "]\n");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        backend.close();
    }

    @Test
    void oneAddressIsHeldToItsShareWhileAnotherIsServed() {
        List<RawHttp> flood = new ArrayList<>();
        try {
            double before = Metrics.value(gateway.adminPort(), "gateway_client_connections_open");
            for (int i = 0; i < PER_ADDRESS; i++) {
                flood.add(new RawHttp("127.0.0.1", gateway.port()));
            }
            await().atMost(Duration.ofSeconds(1)).until(() ->
                    Metrics.value(gateway.adminPort(), "gateway_client_connections_open") >= before + PER_ADDRESS);
            try (RawHttp oneMore = new RawHttp("127.0.0.1", gateway.port())) {
                RawHttp.Response refused = oneMore.read();
                assertEquals(503, refused.status());
                assertEquals("address_connection_limit", refused.header("X-Gateway-Error"));
            }
            try (RawHttp other = new RawHttp("127.0.0.2", gateway.port())) {
                RawHttp.Response served = other.send("GET /other HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").read();
                assertEquals(200, served.status());
            }
            assertTrue(Metrics.value(gateway.adminPort(), "gateway_connections_rejected_total{reason=\"address_connection_limit\"}") >= 1);
        } finally {
            flood.forEach(RawHttp::close);
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheRequestDeadlineNotTheIdleTimeout() {
        try (RawHttp silent = new RawHttp("127.0.0.3", gateway.port())) {
            long start = System.nanoTime();
            assertTrue(silent.closedByServer());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(15).toNanos(), "cut by http_request_ms, not client_idle_ms");
        }
    }

    @Test
    void aRequestHeadTrickledByteByByteGetsA408() throws Exception {
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (RawHttp slowloris = new RawHttp("127.0.0.4", gateway.port())) {
            byte[] head = "GET /slow HTTP/1.1\r\nHost: a\r\nX-Padding: ".getBytes();
            int[] next = {0};
            trickle.scheduleAtFixedRate(() -> {
                try {
                    slowloris.socket().getOutputStream().write(head[next[0]++ % head.length]);
                } catch (IOException closed) {
                    // cut by the gateway
                }
            }, 0, 200, TimeUnit.MILLISECONDS);
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(slowloris::readUntilClosed);
            await().atMost(Duration.ofSeconds(15)).until(answer::isDone);
            assertTrue(answer.get().startsWith("HTTP/1.1 408 "), answer.get());
            assertTrue(answer.get().contains("request_timeout"), answer.get());
        } finally {
            trickle.shutdownNow();
        }
    }
}
