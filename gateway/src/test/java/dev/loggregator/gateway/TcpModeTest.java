package dev.loggregator.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.gateway.support.HttpBackend;
import dev.loggregator.gateway.support.RawHttp;
import dev.loggregator.gateway.support.RunningGateway;
import dev.loggregator.gateway.support.ScriptedBackend;
import dev.loggregator.gateway.support.ScriptedBackend.Behaviour;
import dev.loggregator.gateway.support.WsBackend;
import dev.loggregator.gateway.support.WsClient;
import dev.loggregator.testsupport.DeadPort;
import dev.loggregator.testsupport.FreePorts;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TCP-mode listeners: pass-through, PROXY protocol v1/v2 in and out, and backpressure. */
class TcpModeTest {
    static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    static ScriptedBackend echoV2;
    static ScriptedBackend echoV1;
    static ScriptedBackend echoPlain;
    static ScriptedBackend flood;
    static HttpBackend http;
    static WsBackend ws;
    static DeadPort dead;
    static RunningGateway gateway;
    static int tcpV2Out;
    static int tcpProxyInV1Out;
    static int tcpProxyInPlainOut;
    static int httpProxyIn;
    static int tcpWs;
    static int tcpFlood;

    @BeforeAll
    static void start() {
        echoV2 = new ScriptedBackend(Behaviour.ECHO);
        echoV1 = new ScriptedBackend(Behaviour.ECHO);
        echoPlain = new ScriptedBackend(Behaviour.ECHO);
        flood = new ScriptedBackend(Behaviour.FLOOD_RAW);
        http = new HttpBackend("http");
        ws = new WsBackend("tcp-ws");
        dead = new DeadPort();
        // Listener ports are picked once every backend is bound, so none of them can take one.
        tcpV2Out = FreePorts.next();
        tcpProxyInV1Out = FreePorts.next();
        tcpProxyInPlainOut = FreePorts.next();
        httpProxyIn = FreePorts.next();
        tcpWs = FreePorts.next();
        tcpFlood = FreePorts.next();
        gateway = RunningGateway.start(""
                + "  listeners:\n"
                + "    - {port: " + tcpV2Out + ", mode: tcp, send_proxy_protocol: v2, backends: [" + echoV2.address() + "]}\n"
                + "    - {port: " + tcpProxyInV1Out + ", mode: tcp, accept_proxy_protocol: true, send_proxy_protocol: v1, backends: ["
                + echoV1.address() + "]}\n"
                + "    - {port: " + tcpProxyInPlainOut + ", mode: tcp, accept_proxy_protocol: true, backends: [" + echoPlain.address() + "]}\n"
                + "    - {port: " + httpProxyIn + ", mode: http, accept_proxy_protocol: true}\n"
                + "    - {port: " + tcpWs + ", mode: tcp, backends: [" + dead.address() + ", " + ws.address() + "]}\n"
                + "    - {port: " + tcpFlood + ", mode: tcp, backends: [" + flood.address() + "]}\n"
                + "  routes:\n"
                + "    - hosts: ['*']\n"
                + "      backends: [" + http.address() + "]\n");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        echoV2.close();
        echoV1.close();
        echoPlain.close();
        flood.close();
        http.close();
        ws.close();
        dead.close();
    }

    private static String received(ScriptedBackend backend) {
        return String.join("", backend.requests);
    }

    @Test
    void sendsAProxyV2HeaderNamingTheClientThenPassesBytesThrough() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", tcpV2Out));
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(10)).until(() -> received(echoV2).endsWith("hello"));
            byte[] bytes = received(echoV2).getBytes(StandardCharsets.ISO_8859_1);
            assertArrayEquals(V2_SIGNATURE, Arrays.copyOf(bytes, 12));
            assertEquals(0x21, bytes[12], "v2, PROXY command");
            assertEquals(0x11, bytes[13], "TCP over IPv4");
            assertArrayEquals(new byte[] {127, 0, 0, 1}, Arrays.copyOfRange(bytes, 16, 20), "source address");
            int sourcePort = ((bytes[24] & 0xff) << 8) | (bytes[25] & 0xff);
            int destinationPort = ((bytes[26] & 0xff) << 8) | (bytes[27] & 0xff);
            assertEquals(socket.getLocalPort(), sourcePort);
            assertEquals(tcpV2Out, destinationPort);
            assertEquals("hello", new String(bytes, 28, bytes.length - 28, StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void acceptsProxyV1AndPassesTheClientOnAsV1() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", tcpProxyInV1Out));
            socket.getOutputStream().write("PROXY TCP4 203.0.113.7 10.0.0.1 56324 443\r\nping".getBytes(StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(10)).until(() -> received(echoV1).endsWith("ping"));
            assertEquals("PROXY TCP4 203.0.113.7 10.0.0.1 56324 443\r\nping", received(echoV1));
        }
    }

    @Test
    void acceptsProxyV2AndStripsItWhenNothingIsSentOn() throws Exception {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.write(V2_SIGNATURE);
        header.write(new byte[] {0x21, 0x11, 0, 12, (byte) 198, 51, 100, 9, 10, 0, 0, 1, (byte) 0xC3, 0x50, 0x01, (byte) 0xBB});
        header.write("payload".getBytes(StandardCharsets.US_ASCII));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", tcpProxyInPlainOut));
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write(header.toByteArray());
            assertEquals("payload", new String(socket.getInputStream().readNBytes(7), StandardCharsets.US_ASCII));
            assertEquals("payload", received(echoPlain));
        }
    }

    @Test
    void closesAConnectionWithoutAValidProxyHeader() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", tcpProxyInPlainOut));
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(-1, socket.getInputStream().read());
        }
    }

    @Test
    void anHttpListenerTakesTheClientAddressFromProxyV1() {
        try (RawHttp client = new RawHttp(httpProxyIn)) {
            RawHttp.Response response = client.send("PROXY TCP4 203.0.113.50 10.0.0.1 40000 80\r\n"
                    + "GET /behind-lb HTTP/1.1\r\nHost: any.test\r\nConnection: close\r\n\r\n").read();
            assertEquals(200, response.status());
        }
        HttpBackend.Received seen = http.received.stream().filter(r -> r.path().equals("/behind-lb")).findFirst().orElseThrow();
        assertEquals("203.0.113.50", seen.header("X-Forwarded-For"));
        assertEquals("80", seen.header("X-Forwarded-Port"), "the port the client connected to, at the load balancer");
    }

    @Test
    void anIpv6ClientFromAProxyHeaderIsForwardedInCompressedForm() {
        try (RawHttp client = new RawHttp(httpProxyIn)) {
            RawHttp.Response response = client.send("PROXY TCP6 ::1 2001:db8::1 40000 443\r\n"
                    + "GET /behind-lb-v6 HTTP/1.1\r\nHost: any.test\r\nConnection: close\r\n\r\n").read();
            assertEquals(200, response.status());
        }
        HttpBackend.Received seen = http.received.stream().filter(r -> r.path().equals("/behind-lb-v6")).findFirst().orElseThrow();
        assertEquals("::1", seen.header("X-Forwarded-For"));
        assertEquals("443", seen.header("X-Forwarded-Port"));
    }

    @Test
    void carriesAWebSocketInTcpModeSkippingADeadBackend() throws Exception {
        WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + tcpWs + "/tcp"), Map.of());
        client.send("through tcp");
        assertEquals("tcp-ws:through tcp", client.next());
        client.send(ByteBuffer.wrap(new byte[200]));
        assertEquals("binary:200", client.next());
        client.closeBlocking();
    }

    @Test
    void aClientThatDoesNotReadStopsTheBackendInsteadOfFillingTheGatewaysMemory() throws Exception {
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", tcpFlood));
            await().atMost(Duration.ofSeconds(10)).until(() -> flood.written.get() > 0);
            long[] last = {-1};
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                long now = flood.written.get();
                boolean stalled = now == last[0];
                last[0] = now;
                return stalled;
            });
            assertTrue(flood.written.get() < 48L * 1024 * 1024,
                    "the backend could write " + flood.written.get() + " bytes to a client that reads nothing");
        }
    }
}
