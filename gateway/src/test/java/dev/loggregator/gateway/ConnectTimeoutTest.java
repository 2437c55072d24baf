package dev.loggregator.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.gateway.support.BlackHoleBackend;
import dev.loggregator.gateway.support.HttpBackend;
import dev.loggregator.gateway.support.Metrics;
import dev.loggregator.gateway.support.RawHttp;
import dev.loggregator.gateway.support.RunningGateway;
import dev.loggregator.testsupport.FreePorts;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code timeouts.connect_ms} against backends whose connect hangs (see {@link BlackHoleBackend}).
 * Each test has its own black hole: dead marks are per backend address, shared by all routes.
 */
class ConnectTimeoutTest {
    private static final long CONNECT_MS = 500;
    /** Well under the 5 s default, so a gateway ignoring the setting fails these tests. */
    private static final Duration BOUND = Duration.ofSeconds(4);

    static BlackHoleBackend alone;
    static BlackHoleBackend beforeLive;
    static BlackHoleBackend tcpAlone;
    static HttpBackend live;
    static RunningGateway gateway;
    static int tcpPort;

    @BeforeAll
    static void start() {
        alone = new BlackHoleBackend();
        beforeLive = new BlackHoleBackend();
        tcpAlone = new BlackHoleBackend();
        live = new HttpBackend("live");
        tcpPort = FreePorts.next();
        gateway = RunningGateway.start(""
                + "  timeouts: {connect_ms: " + CONNECT_MS + "}\n"
                + "  listeners:\n"
                + "    - {port: " + tcpPort + ", mode: tcp, backends: [" + tcpAlone.address() + "]}\n"
                + "  routes:\n"
                + "    - hosts: [alone.test]\n"
                + "      backends: [" + alone.address() + "]\n"
                // Round-robin starts at the first backend, so the first request dials the black hole.
                + "    - hosts: [retry.test]\n"
                + "      backends: [" + beforeLive.address() + ", " + live.address() + "]\n");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        alone.close();
        beforeLive.close();
        tcpAlone.close();
        live.close();
    }

    private static double dead(BlackHoleBackend backend) {
        return Metrics.value(gateway.adminPort(), "gateway_backend_dead{backend=\"" + backend.address() + "\"}");
    }

    private static double connectTimeouts(BlackHoleBackend backend) {
        return Metrics.value(gateway.adminPort(),
                "gateway_backend_failures_total{backend=\"" + backend.address() + "\",reason=\"backend_connect_timeout\"}");
    }

    private static void assertTookAboutConnectMs(long startNanos) {
        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
        assertTrue(took.compareTo(Duration.ofMillis(CONNECT_MS)) >= 0, "gave up after " + took + ", before connect_ms");
        assertTrue(took.compareTo(BOUND) < 0, "gave up after " + took + ": connect_ms not applied");
    }

    @Test
    void aBackendWhoseConnectHangsGets504AfterConnectMsAndIsMarkedDead() {
        long start = System.nanoTime();
        RawHttp.Response response = RawHttp.get(gateway.port(), "alone.test", "/");
        assertTookAboutConnectMs(start);
        assertEquals(504, response.status());
        assertEquals("backend_connect_timeout", response.header("X-Gateway-Error"));
        assertEquals(1.0, dead(alone));
        assertEquals(1.0, connectTimeouts(alone));
    }

    @Test
    void aRequestWhoseFirstBackendTimesOutIsRetriedOnTheNext() {
        long start = System.nanoTime();
        RawHttp.Response response = RawHttp.get(gateway.port(), "retry.test", "/retried");
        assertTookAboutConnectMs(start);
        assertEquals(200, response.status());
        assertEquals("live", response.header("X-Backend"));
        assertEquals(1.0, connectTimeouts(beforeLive), "the black hole was dialed first");
        assertEquals(1.0, dead(beforeLive));
    }

    @Test
    void aTcpConnectionWhoseBackendConnectHangsIsClosedAfterConnectMs() throws Exception {
        try (Socket client = new Socket()) {
            long start = System.nanoTime(); // the gateway dials as soon as it accepts
            client.connect(new InetSocketAddress("127.0.0.1", tcpPort));
            client.setSoTimeout(15_000);
            assertEquals(-1, client.getInputStream().read(), "closed without a byte");
            assertTookAboutConnectMs(start);
        }
        assertEquals(1.0, dead(tcpAlone));
        assertEquals(1.0, connectTimeouts(tcpAlone));
    }
}
