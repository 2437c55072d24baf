package dev.loggregator.doppler.ingress;

import static dev.loggregator.doppler.support.Sockets.closedByServer;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.doppler.support.BatchSubscriber;
import dev.loggregator.doppler.support.Envelopes;
import dev.loggregator.doppler.support.GrpcSender;
import dev.loggregator.doppler.support.TcpSender;
import dev.loggregator.doppler.support.TestCertificates;
import dev.loggregator.testsupport.DopplerNode;
import dev.loggregator.wire.signature.SignedDatagram;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The v1 listeners (TCP, mutual TLS, signed UDP), gRPC over mutual TLS, and every kind of bad
 * input on them and on the egress port.
 */
class StreamIngressTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static TestCertificates certs;
    private static DopplerNode doppler;
    private static BatchSubscriber firehose;

    @BeforeAll
    static void start() {
        certs = TestCertificates.create(Path.of("target", "certs", UUID.randomUUID().toString()));
        doppler = DopplerNode.builder().name("stream-ingress")
                .tlsListener()
                .tls(certs.serverCert.toAbsolutePath(), certs.serverKey.toAbsolutePath(), certs.caCert.toAbsolutePath())
                .set("idle_connection_timeout_seconds", 2)
                .set("max_envelope_bytes", 4096)
                .start();
        firehose = BatchSubscriber.connect(doppler.wsUrl("/firehose/stream-test"));
    }

    @AfterAll
    static void stop() {
        firehose.close();
        doppler.close();
    }

    private static int logs(String marker) {
        return firehose.count(e -> e.hasLogMessage() && Envelopes.text(e).startsWith(marker));
    }

    private static double metric(String sample) {
        return doppler.metric(sample);
    }

    @Test
    void tcpEnvelopesArrive() throws Exception {
        String marker = UUID.randomUUID().toString();
        try (TcpSender tcp = TcpSender.connect(doppler.tcpPort())) {
            for (int i = 0; i < 100; i++) {
                tcp.send(Envelopes.v1Log("app", marker + " " + i));
            }
            tcp.flush();
        }
        await().atMost(WAIT).until(() -> logs(marker) == 100);
    }

    @Test
    void malformedAndIncompleteEnvelopesOnTcpAreDroppedAndTheConnectionGoesOn() throws Exception {
        String marker = UUID.randomUUID().toString();
        double before = metric("doppler_dropped_envelopes_total{reason=\"malformed\"}");
        try (TcpSender tcp = TcpSender.connect(doppler.tcpPort())) {
            tcp.send(Envelopes.v1Log("app", marker + " first"));
            tcp.sendRaw("this is not protobuf".getBytes(StandardCharsets.UTF_8));
            tcp.sendRaw(Envelopes.v1LogMissingRequiredFields());
            tcp.sendRaw(new byte[0]);
            tcp.send(Envelopes.v1Log("app", marker + " last")).flush();
            await().atMost(WAIT).until(() -> logs(marker) == 2);
        }
        await().atMost(WAIT).until(() -> metric("doppler_dropped_envelopes_total{reason=\"malformed\"}") == before + 3);
    }

    @Test
    void anEnvelopeOfExactlyTheMaximumSizeIsAccepted() throws Exception {
        // max_envelope_bytes is the envelope's size; the 4-byte length prefix does not count against it.
        String marker = UUID.randomUUID().toString();
        int overhead = Envelopes.v1Log("app", marker + " ").toByteArray().length;
        int padding = 4096 - overhead;
        org.cloudfoundry.dropsonde.events.EventFactory.Envelope largest = Envelopes.v1Log("app", marker + " " + "x".repeat(padding));
        for (int i = 0; largest.toByteArray().length > 4096 && i < 10; i++) {
            padding--;
            largest = Envelopes.v1Log("app", marker + " " + "x".repeat(padding));
        }
        assertEquals(4096, largest.toByteArray().length, "the test envelope is exactly max_envelope_bytes");
        try (TcpSender tcp = TcpSender.connect(doppler.tcpPort())) {
            tcp.send(largest).flush();
            await().atMost(WAIT).until(() -> logs(marker) == 1);
        }
    }

    @Test
    void aLengthPrefixAboveTheMaximumClosesTheConnection() throws Exception {
        double before = metric("doppler_refused_connections_total{reason=\"oversize_frame\"}");
        try (TcpSender tcp = TcpSender.connect(doppler.tcpPort())) {
            tcp.writeBytes(new byte[] {0x01, 0x10, 0x00, 0x00}).writeBytes(new byte[100]).flush(); // 4097 bytes announced
            assertTrue(closedByServer(tcp.socket()));
        }
        await().atMost(WAIT).until(() -> metric("doppler_refused_connections_total{reason=\"oversize_frame\"}") == before + 1);
        String marker = UUID.randomUUID().toString();
        try (TcpSender tcp = TcpSender.connect(doppler.tcpPort())) {
            tcp.send(Envelopes.v1Log("app", marker)).flush();
        }
        await().atMost(WAIT).until(() -> logs(marker) == 1);
    }

    @Test
    void connectionsThatSendNothingAreClosedAfterTheIdleTimeout() throws Exception {
        double before = metric("doppler_refused_connections_total{reason=\"idle\"}");
        try (Socket tcp = new Socket("127.0.0.1", doppler.tcpPort());
             Socket egress = new Socket("127.0.0.1", doppler.wsPort());
             Socket grpc = new Socket("127.0.0.1", doppler.grpcPort())) {
            assertTrue(closedByServer(tcp));
            assertTrue(closedByServer(egress));
            assertTrue(closedByServer(grpc), "gRPC: no TLS handshake within the idle timeout");
        }
        await().atMost(WAIT).until(() -> metric("doppler_refused_connections_total{reason=\"idle\"}") >= before + 2);
    }

    @Test
    void tlsWithAClientCertificateDelivers() throws Exception {
        String marker = UUID.randomUUID().toString();
        try (TcpSender tls = TcpSender.connectTls(doppler.tlsPort(), certs.clientContext(true))) {
            for (int i = 0; i < 20; i++) {
                tls.send(Envelopes.v1Log("app", marker + " " + i));
            }
            tls.flush();
            await().atMost(WAIT).until(() -> logs(marker) == 20);
        }
    }

    @Test
    void tlsWithoutAClientCertificateIsRefused() throws Exception {
        double before = metric("doppler_refused_connections_total{reason=\"tls_handshake\"}");
        String marker = UUID.randomUUID().toString();
        try (TcpSender tls = TcpSender.connectTls(doppler.tlsPort(), certs.clientContext(false))) {
            // With TLS 1.3 the client learns of the refusal on its next read or write.
            tls.send(Envelopes.v1Log("app", marker)).flush();
            assertTrue(closedByServer(tls.socket()));
        } catch (SSLException | SocketException refusedDuringHandshake) {
            // TLS 1.2 refuses during the handshake itself.
        } catch (UncheckedIOException refused) {
            // Or the refusal arrives while the sender flushes: the server already closed the socket.
            assertTrue(refused.getCause() instanceof SocketException, refused.toString());
        }
        await().atMost(WAIT).until(() -> metric("doppler_refused_connections_total{reason=\"tls_handshake\"}") == before + 1);
        assertEquals(0, logs(marker));
    }

    @Test
    void grpcIsServedOverMutualTls() throws Exception {
        String marker = UUID.randomUUID().toString();
        try (GrpcSender grpc = new GrpcSender(NettyChannelBuilder.forAddress("127.0.0.1", doppler.grpcPort())
                .sslContext(GrpcSslContexts.forClient()
                        .trustManager(certs.caCert.toFile())
                        .keyManager(certs.clientCert.toFile(), certs.clientKey.toFile())
                        .build())
                .overrideAuthority("localhost")
                .build())) {
            grpc.send(List.of(Envelopes.v2Log("app", marker + " over mTLS")));
        }
        await().atMost(WAIT).until(() -> logs(marker) == 1);
        try (GrpcSender plaintext = GrpcSender.plaintext(doppler.grpcPort())) {
            assertThrows(IllegalStateException.class, () -> plaintext.sender(List.of(Envelopes.v2Log("app", marker + " plaintext"))));
        }
        assertEquals(1, logs(marker));
    }

    @Test
    void signedUdpDatagramsArriveAndUnsignedOnesAreCounted() throws Exception {
        String marker = UUID.randomUUID().toString();
        double before = metric("doppler_dropped_envelopes_total{reason=\"bad_signature\"}");
        byte[] secret = DopplerNode.SHARED_SECRET.getBytes(StandardCharsets.UTF_8);
        try (DatagramSocket udp = new DatagramSocket()) {
            InetAddress loopback = InetAddress.getLoopbackAddress();
            byte[] good = SignedDatagram.sign(Envelopes.v1Log("app", marker + " signed").toByteArray(), secret);
            byte[] wrongKey = SignedDatagram.sign(Envelopes.v1Log("app", marker + " wrong key").toByteArray(),
                    "another secret".getBytes(StandardCharsets.UTF_8));
            byte[] unsigned = Envelopes.v1Log("app", marker + " unsigned").toByteArray();
            byte[] tooShort = {1, 2, 3};
            for (byte[] datagram : List.of(wrongKey, unsigned, tooShort, good)) {
                udp.send(new DatagramPacket(datagram, datagram.length, loopback, doppler.udpPort()));
            }
        }
        await().atMost(WAIT).until(() -> logs(marker) == 1);
        await().atMost(WAIT).until(() -> metric("doppler_dropped_envelopes_total{reason=\"bad_signature\"}") == before + 3);
        assertEquals(List.of(marker + " signed"),
                firehose.envelopes(e -> e.hasLogMessage() && Envelopes.text(e).startsWith(marker)).stream().map(Envelopes::text).toList());
    }

    @Test
    void garbageAndBadHandshakesOnTheEgressPortAreAnsweredWith400AndClosed() throws Exception {
        double before = metric("doppler_refused_connections_total{reason=\"bad_request\"}");
        try (Socket socket = new Socket("127.0.0.1", doppler.wsPort())) {
            socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x02, '\r', '\n', '\r', '\n'});
            socket.getOutputStream().flush();
            socket.setSoTimeout(20_000);
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        }
        try (Socket socket = new Socket("127.0.0.1", doppler.wsPort())) {
            socket.getOutputStream().write("GET /apps/x/stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.setSoTimeout(20_000);
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 400"), "a stream needs a WebSocket upgrade: " + answer);
        }
        try (Socket socket = new Socket("127.0.0.1", doppler.wsPort())) {
            socket.getOutputStream().write("GET /nothing/here HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.setSoTimeout(20_000);
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 404"), answer);
        }
        // Upgrades that are not RFC 6455 handshakes: no key (Netty's handshaker would throw), an old version.
        for (String headers : List.of("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==")) {
            try (Socket socket = new Socket("127.0.0.1", doppler.wsPort())) {
                socket.getOutputStream().write(("GET /firehose/x HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, close\r\n"
                        + "Upgrade: websocket\r\n" + headers + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                socket.setSoTimeout(20_000);
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(answer.startsWith("HTTP/1.1 400"), headers + ": " + answer);
            }
        }
        await().atMost(WAIT).until(() -> metric("doppler_refused_connections_total{reason=\"bad_request\"}") == before + 5);
        assertTrue(doppler.process().isAlive());
    }
}
