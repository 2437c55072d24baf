package dev.loggregator.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loggregator.gateway.support.HttpBackend;
import dev.loggregator.gateway.support.RunningGateway;
import dev.loggregator.gateway.support.WsBackend;
import dev.loggregator.gateway.support.WsClient;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TLS termination: the certificate is chosen by SNI from PEM files, with a default; https and wss. */
class TlsTest {
    static SelfSignedCertificate defaultCert;
    static SelfSignedCertificate aCert;
    static SelfSignedCertificate wildCert;
    static HttpBackend backend;
    static WsBackend ws;
    static RunningGateway gateway;
    static SSLContext trustAll;

    @BeforeAll
    static void start() throws Exception {
        defaultCert = new SelfSignedCertificate("default.test");
        aCert = new SelfSignedCertificate("a.test");
        wildCert = new SelfSignedCertificate("wild.b.test");
        backend = new HttpBackend("tls-backend");
        ws = new WsBackend("wss");
        gateway = RunningGateway.start(""
                + "  tls:\n"
                + "    default_certificate: {cert: " + defaultCert.certificate() + ", key: " + defaultCert.privateKey() + "}\n"
                + "    sni:\n"
                + "      - {cert: " + aCert.certificate() + ", key: " + aCert.privateKey() + "}\n"
                + "      - {server_names: ['*.b.test'], cert: " + wildCert.certificate() + ", key: " + wildCert.privateKey() + "}\n"
                + "  routes:\n"
                + "    - hosts: [a.test, x.b.test]\n"
                + "      backends: [" + backend.address() + "]\n"
                + "    - hosts: ['*']\n"
                + "      backends: [" + ws.address() + "]\n", true);
        trustAll = trustingContext();
    }

    private static SSLContext trustingContext() throws Exception {
        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, new SecureRandom());
        return trustAll;
    }

    @AfterAll
    static void stop() {
        gateway.close();
        backend.close();
        ws.close();
        defaultCert.delete();
        aCert.delete();
        wildCert.delete();
    }

    private SSLSocket connect(String sniName) throws Exception {
        // A fresh context each time: a cached session would be resumed and skip certificate selection.
        SSLSocket socket = (SSLSocket) trustingContext().getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 5000);
        socket.setSoTimeout(15_000);
        if (sniName != null) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(sniName)));
            socket.setSSLParameters(parameters);
        }
        socket.startHandshake();
        return socket;
    }

    private String servedName(String sniName) throws Exception {
        try (SSLSocket socket = connect(sniName)) {
            X509Certificate peer = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            return peer.getSubjectX500Principal().getName();
        }
    }

    @Test
    void choosesTheCertificateBySniName() throws Exception {
        assertEquals("CN=a.test", servedName("a.test"));
        assertEquals("CN=wild.b.test", servedName("x.b.test"));
        assertEquals("CN=wild.b.test", servedName("other.b.test"));
        assertEquals("CN=default.test", servedName("unknown.test"));
        assertEquals("CN=default.test", servedName(null));
    }

    @Test
    void proxiesHttpsWithForwardedProtoHttps() throws Exception {
        try (SSLSocket socket = connect("a.test")) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /secure HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            assertTrue(response.contains("backend=tls-backend path=/secure"), response);
        }
        HttpBackend.Received seen = backend.received.stream().filter(r -> r.path().equals("/secure")).findFirst().orElseThrow();
        assertEquals("https", seen.header("X-Forwarded-Proto"));
    }

    @Test
    void terminatesWssAndTunnelsTheWebSocket() throws Exception {
        WsClient client = new WsClient(URI.create("wss://127.0.0.1:" + gateway.port() + "/secure-stream"), Map.of());
        client.setSocketFactory(trustAll.getSocketFactory());
        client.verifyHostname = false;
        assertTrue(client.connectBlocking(15, java.util.concurrent.TimeUnit.SECONDS), "wss handshake");
        client.send("over tls");
        assertEquals("wss:over tls", client.next());
        client.closeBlocking();
        assertEquals("https", ws.handshakes.stream().filter(h -> "/secure-stream".equals(h.get(":path"))).findFirst()
                .orElseThrow().get("x-forwarded-proto"));
    }
}
