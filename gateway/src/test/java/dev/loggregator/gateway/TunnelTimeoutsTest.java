package dev.loggregator.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.loggregator.gateway.support.RawBackend;
import dev.loggregator.gateway.support.RawHttp;
import dev.loggregator.gateway.support.RunningGateway;
import dev.loggregator.testsupport.FreePorts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * {@code timeouts.half_close_ms} in both kinds of tunnel (TCP-mode listener, WebSocket upgrade):
 * one side's FIN is passed on, the other side may go on sending, and when it never finishes the
 * gateway closes both connections {@code half_close_ms} after the first FIN, long before the
 * tunnel idle timeout would.
 */
class TunnelTimeoutsTest {
    private static final long HALF_CLOSE_MS = 1500;
    private static final long TUNNEL_IDLE_MS = 20_000;

    enum Kind { TCP, WEBSOCKET }

    static RawBackend tcpBackend;
    static RawBackend wsBackend;
    static RunningGateway gateway;
    static int tcpPort;

    @BeforeAll
    static void start() {
        tcpBackend = new RawBackend(false);
        wsBackend = new RawBackend(true);
        tcpPort = FreePorts.next();
        // No spare connections: the backend takes each connection it accepts to be the next tunnel.
        gateway = RunningGateway.start(""
                + "  preconnect: 0\n"
                + "  timeouts: {tunnel_idle_ms: " + TUNNEL_IDLE_MS + ", half_close_ms: " + HALF_CLOSE_MS + "}\n"
                + "  listeners:\n"
                + "    - {port: " + tcpPort + ", mode: tcp, backends: [" + tcpBackend.address() + "]}\n"
                + "  routes:\n"
                + "    - hosts: ['*']\n"
                + "      backends: [" + wsBackend.address() + "]\n");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        tcpBackend.close();
        wsBackend.close();
    }

    /** The two ends of one tunnel through the gateway. */
    private record Ends(Socket client, Socket backend) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            client.close();
            backend.close();
        }
    }

    private static Ends open(Kind kind) throws IOException {
        Socket client;
        Socket backend;
        if (kind == Kind.TCP) {
            client = new Socket();
            client.connect(new InetSocketAddress("127.0.0.1", tcpPort));
            client.setSoTimeout(15_000);
            backend = tcpBackend.accept();
        } else {
            RawHttp http = new RawHttp(gateway.port());
            http.send("GET /tunnel HTTP/1.1\r\nHost: ws.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
            backend = wsBackend.accept();
            assertEquals(101, http.read().status());
            client = http.socket();
        }
        // A byte each way first, so the relay is running before either side shuts anything down.
        send(client, "up");
        assertEquals("up", receive(backend, 2));
        send(backend, "down");
        assertEquals("down", receive(client, 4));
        return new Ends(client, backend);
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String receive(Socket socket, int n) throws IOException {
        return new String(socket.getInputStream().readNBytes(n), StandardCharsets.US_ASCII);
    }

    /** A socket whose input is at EOF only learns its peer closed from writes: the first draws a reset, a later one fails. */
    private static boolean writeFails(Socket socket) {
        try {
            socket.getOutputStream().write('x');
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static void assertClosedByTheHalfCloseTimeout(long finNanos) {
        Duration took = Duration.ofNanos(System.nanoTime() - finNanos);
        assertTrue(took.compareTo(Duration.ofMillis(HALF_CLOSE_MS)) >= 0, "closed " + took + " after the FIN, before half_close_ms");
        assertTrue(took.compareTo(Duration.ofMillis(TUNNEL_IDLE_MS / 2)) < 0, "closed " + took + " after the FIN: not by half_close_ms");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aClientFinIsPassedOnTheBackendMaySendOnAndBothCloseAfterHalfCloseMs(Kind kind) throws Exception {
        try (Ends ends = open(kind)) {
            long finAt = System.nanoTime();
            ends.client().shutdownOutput();
            assertEquals(-1, ends.backend().getInputStream().read(), "the client's FIN reaches the backend");
            send(ends.backend(), "late answer");
            assertEquals("late answer", receive(ends.client(), 11), "the backend may still send after the client's FIN");

            assertEquals(-1, ends.client().getInputStream().read(), "the gateway closes the client");
            assertClosedByTheHalfCloseTimeout(finAt);
            await().atMost(Duration.ofSeconds(5)).until(() -> writeFails(ends.backend()));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aBackendFinIsPassedOnTheClientMaySendOnAndBothCloseAfterHalfCloseMs(Kind kind) throws Exception {
        try (Ends ends = open(kind)) {
            long finAt = System.nanoTime();
            ends.backend().shutdownOutput();
            assertEquals(-1, ends.client().getInputStream().read(), "the backend's FIN reaches the client");
            send(ends.client(), "late request");
            assertEquals("late request", receive(ends.backend(), 12), "the client may still send after the backend's FIN");

            assertEquals(-1, ends.backend().getInputStream().read(), "the gateway closes the backend");
            assertClosedByTheHalfCloseTimeout(finAt);
            await().atMost(Duration.ofSeconds(5)).until(() -> writeFails(ends.client()));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void whenBothSidesFinishTheTunnelClosesAtOnceAndLogsIt(Kind kind) throws Exception {
        Logger access = (Logger) LoggerFactory.getLogger("dev.loggregator.gateway.access");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        access.addAppender(lines);
        try (Ends ends = open(kind)) {
            ends.client().shutdownOutput();
            assertEquals(-1, ends.backend().getInputStream().read(), "the client's FIN reaches the backend");
            send(ends.backend(), "bye");
            long finAt = System.nanoTime();
            ends.backend().shutdownOutput();
            assertEquals("bye", receive(ends.client(), 3), "what the backend sent before its FIN arrives");
            assertEquals(-1, ends.client().getInputStream().read(), "then the client sees the end");
            Duration took = Duration.ofNanos(System.nanoTime() - finAt);
            assertTrue(took.compareTo(Duration.ofMillis(HALF_CLOSE_MS)) < 0, "closed by both FINs, not by half_close_ms: " + took);
            await().atMost(Duration.ofSeconds(5)).until(() -> lines.list.stream()
                    .anyMatch(line -> line.getFormattedMessage().startsWith("tunnel ")
                            && line.getFormattedMessage().endsWith("close=backend_finished")));
        } finally {
            access.detachAppender(lines);
        }
    }
}
