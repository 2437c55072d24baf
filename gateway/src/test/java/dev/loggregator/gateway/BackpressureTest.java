package dev.loggregator.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.gateway.support.RunningGateway;
import dev.loggregator.gateway.support.ScriptedBackend;
import dev.loggregator.gateway.support.ScriptedBackend.Behaviour;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP bodies in both directions: a side that does not read makes the gateway stop reading the
 * other side, instead of buffering the difference. (Tunnels: see {@link TcpModeTest}.)
 */
class BackpressureTest {
    private static final long BOUND = 48L * 1024 * 1024;
    static ScriptedBackend flood;
    static ScriptedBackend silent;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        flood = new ScriptedBackend(Behaviour.FLOOD_HTTP);
        silent = new ScriptedBackend(Behaviour.SILENT);
        gateway = RunningGateway.start(""
                + "  timeouts: {response_header_ms: 120000}\n"
                + "  routes:\n"
                + "    - hosts: [download.test]\n"
                + "      backends: [" + flood.address() + "]\n"
                + "    - hosts: [upload.test]\n"
                + "      backends: [" + silent.address() + "]\n");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        flood.close();
        silent.close();
    }

    /** Waits until {@code counter} stops growing, then returns its value. */
    private static long plateau(LongSupplier counter) {
        long[] last = {-1};
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            long now = counter.getAsLong();
            boolean stalled = now == last[0] && now > 0;
            last[0] = now;
            return stalled;
        });
        return last[0];
    }

    @Test
    void aClientThatDoesNotReadTheResponseStopsTheBackend() throws IOException {
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()));
            socket.getOutputStream().write("GET /endless HTTP/1.1\r\nHost: download.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            long written = plateau(flood.written::get);
            assertTrue(written < BOUND, "the backend wrote " + written + " bytes for a client that reads nothing");
        }
    }

    @Test
    void aBackendThatDoesNotReadTheBodyStopsTheClient() throws Exception {
        AtomicLong sent = new AtomicLong();
        try (Socket socket = new Socket()) {
            socket.setSendBufferSize(64 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()));
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write("POST /upload HTTP/1.1\r\nHost: upload.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    byte[] chunk = ("10000\r\n" + "x".repeat(65_536) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                    while (true) {
                        out.write(chunk);
                        sent.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    // the socket was closed at the end of the test
                }
            }, "uploader");
            writer.setDaemon(true);
            writer.start();
            long total = plateau(sent::get);
            assertTrue(total < BOUND, "the client could send " + total + " bytes to a backend that reads nothing");
        }
    }
}
